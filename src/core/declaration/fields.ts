/**
 * Every field of the declaration, once: its konlet type (reference/konlet-spec.md §1.2, konlet
 * `types/api.go`), the Go type name konlet's YAML errors print, and the docs shown in hovers and
 * completion. The reader, unknown-key checks, completion, hovers and the JSON schema all derive from it.
 */

export type ScalarKind = 'string' | 'bool' | 'int';

export type FieldType =
  | { kind: ScalarKind; enum?: readonly string[] }
  | { kind: 'stringList' }
  | { kind: 'object'; fields: FieldTable; goType: string }
  | { kind: 'list'; item: FieldTable; goType: string };

export interface FieldSpec {
  type: FieldType;
  /** What the field means (one or two sentences, Markdown). */
  doc: string;
  /** What konlet does with it. */
  konlet: string;
  /** What our cloud-init rendering does with it. */
  cloudInit: string;
  required?: boolean;
  /**
   * konlet declares it as a Go pointer. The vendored yaml.v2 then treats `~`/`Null`/`NULL` as present
   * and empty (only an empty value and `null` leave it absent), and rejects a quoted empty string.
   */
  pointer?: boolean;
}

export type FieldTable = Readonly<Record<string, FieldSpec>>;

/** Go type names as reflect prints them in yaml.v2 errors (`cannot unmarshal !!str `x` into <goType>`). */
export function goTypeName(type: FieldType): string {
  switch (type.kind) {
    case 'string':
      return type.enum ? 'types.RestartPolicy' : 'string';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'stringList':
      return '[]string';
    case 'object':
    case 'list':
      // Pointer fields print with a `*` (FieldSpec.pointer); the table's goType names the struct.
      return type.goType.replace(/^\*/, '');
  }
}

const str = (enumValues?: readonly string[]): FieldType => (enumValues ? { kind: 'string', enum: enumValues } : { kind: 'string' });
const bool: FieldType = { kind: 'bool' };

const envFields: FieldTable = {
  name: { type: str(), required: true, doc: 'Name of the environment variable.', konlet: 'Passed as `NAME=value`; not validated.', cloudInit: 'Passed with `docker run --env NAME=value`.' },
  value: {
    type: str(),
    doc: 'Value of the variable, kept as the raw text: `value: 0123` is the string `0123`.',
    konlet: 'Missing or `null` gives `NAME=`. Instance metadata is readable by anyone with `compute.instances.get`: never put secrets here.',
    cloudInit: 'Written to an env file for the unit; same visibility as metadata (user-data).',
  },
};

const volumeMountFields: FieldTable = {
  name: { type: str(), required: true, doc: 'Name of a volume in `spec.volumes`.', konlet: 'Must name an existing volume, or konlet fails after deleting the running container.', cloudInit: 'Must name an existing volume.' },
  mountPath: { type: str(), required: true, doc: 'Absolute path inside the container.', konlet: 'Passed to Docker as `<host>:<mountPath>[:ro]`; must be absolute and contain no `:`.', cloudInit: 'Passed to `docker run --mount`.' },
  readOnly: { type: bool, doc: 'Mount read-only.', konlet: 'Adds `:ro`; for persistent disks it also decides the host mount mode.', cloudInit: 'Adds `readonly` to the mount.' },
};

export const containerFields: FieldTable = {
  name: {
    type: str(),
    doc: 'Name of the container. gcloud sets it to the instance or template name.',
    konlet: 'The Docker container is named `klt-<name>-<4 letters>`; only `[A-Za-z0-9_.-]` is valid.',
    cloudInit: 'Names the systemd unit `cosvm-<name>.service` and the Docker container; required and unique.',
  },
  image: {
    type: str(),
    required: true,
    doc: 'Image reference, e.g. `europe-west1-docker.pkg.dev/PROJECT/REPO/IMAGE@sha256:…`.',
    konlet: 'Pulled on every boot and unit restart; a tag without a digest drifts. Only gcr.io and *.pkg.dev get credentials; other registries are pulled anonymously.',
    cloudInit: 'Pulled by `docker run`; Artifact Registry and gcr.io are authenticated with `docker-credential-gcr`.',
  },
  command: {
    type: { kind: 'stringList' },
    doc: 'Overrides the image `ENTRYPOINT`. A list: each element is one word.',
    konlet: 'Not split on spaces: `["echo hi"]` is a single executable name.',
    cloudInit: 'The first element becomes `--entrypoint`, the rest go before `args`.',
  },
  args: { type: { kind: 'stringList' }, doc: 'Overrides the image `CMD`.', konlet: 'Passed as the Docker `Cmd`.', cloudInit: 'Appended after the image in `docker run`.' },
  env: {
    type: { kind: 'list', item: envFields, goType: '[]struct { Name string; Value string }' },
    doc: 'Environment variables, in order.',
    konlet: 'Each item becomes `NAME=value`, with no quoting or expansion. `valueFrom` is ignored.',
    cloudInit: 'Written to the unit\'s env file.',
  },
  volumeMounts: {
    type: {
      kind: 'list',
      item: volumeMountFields,
      goType: '[]struct { Name string "yaml:\\"name\\""; MountPath string "yaml:\\"mountPath\\""; ReadOnly bool "yaml:\\"readOnly\\"" }',
    },
    doc: 'Volumes from `spec.volumes` to mount into the container.',
    konlet: 'Every mount must name a volume, and every volume must be mounted.',
    cloudInit: 'Each becomes a `docker run --mount`.',
  },
  securityContext: {
    type: { kind: 'object', goType: 'types.SecurityContextDeclaration', fields: { privileged: { type: bool, doc: 'Run the container privileged.', konlet: 'Docker `Privileged`.', cloudInit: '`docker run --privileged`.' } } },
    doc: 'Security settings. Only `privileged` is read.',
    konlet: 'Every other field (`runAsUser`, …) is ignored.',
    cloudInit: 'Only `privileged` is used.',
  },
  stdin: { type: bool, doc: 'Keep STDIN open.', konlet: 'Docker `OpenStdin`.', cloudInit: '`docker run --interactive`.' },
  tty: { type: bool, doc: 'Allocate a pseudo-TTY.', konlet: 'Docker `Tty`.', cloudInit: '`docker run --tty`.' },
};

export const volumeFields: FieldTable = {
  name: { type: str(), required: true, doc: 'Name that `volumeMounts` refer to.', konlet: 'Also a host directory name for `emptyDir`; keep it to `[a-z0-9-]`.', cloudInit: 'Referenced by mounts.' },
  hostPath: {
    pointer: true,
    type: { kind: 'object', goType: 'types.HostPathVolume', fields: { path: { type: str(), required: true, doc: 'Absolute path on the COS host.', konlet: 'Bound as is; Docker creates missing directories, which fails on the read-only root.', cloudInit: 'Created in `bootcmd` when missing, then bound.' } } },
    doc: 'A directory of the COS host. `/var`, `/home` and `/mnt/stateful_partition` persist; `/`, `/opt`, `/usr` are read-only; `/tmp`, `/etc` and `/mnt/disks` are lost at reboot.',
    konlet: 'A Docker bind mount.',
    cloudInit: 'A Docker bind mount.',
  },
  emptyDir: {
    pointer: true,
    type: { kind: 'object', goType: 'types.EmptyDirVolume', fields: { medium: { type: str(['Memory']), required: true, doc: 'Must be exactly `Memory`.', konlet: 'Anything else, including an empty value, is rejected.', cloudInit: 'A tmpfs mount.' } } },
    doc: 'A scratch directory in memory (tmpfs), empty at each start.',
    konlet: 'A tmpfs under `/mnt/disks/gce-containers-mounts/tmpfss/<name>`; lost each time konlet runs.',
    cloudInit: '`docker run --mount type=tmpfs`.',
  },
  gcePersistentDisk: {
    pointer: true,
    type: {
      kind: 'object',
      goType: 'types.GcePersistentDiskVolume',
      fields: {
        pdName: { type: str(), required: true, doc: 'The **device name** of an attached disk.', konlet: 'Resolved as `/dev/disk/by-id/google-<pdName>`.', cloudInit: 'Mounted in `bootcmd` from `/dev/disk/by-id/google-<pdName>`.' },
        fsType: { type: str(['ext4']), doc: 'File system; only `ext4`.', konlet: 'Only `ext4` or empty. A blank read-write disk is formatted ext4 automatically.', cloudInit: 'Only `ext4`.' },
        partition: { type: { kind: 'int' }, doc: 'Partition number; 0 or absent for the whole disk.', konlet: '`>0` uses `/dev/disk/by-id/google-<pdName>-part<N>`.', cloudInit: 'Same device naming.' },
      },
    },
    doc: 'An attached persistent disk, mounted on the host and bound into the container.',
    konlet: 'Mounted under `/mnt/disks/gce-containers-mounts/gce-persistent-disks/<pdName>`.',
    cloudInit: 'Mounted under `/mnt/disks/<pdName>` in `bootcmd`.',
  },
};

export const specFields: FieldTable = {
  containers: {
    type: { kind: 'list', item: containerFields, goType: '[]types.Container' },
    required: true,
    doc: 'The containers to run.',
    konlet: 'Exactly one container.',
    cloudInit: 'One or more; each becomes a systemd unit.',
  },
  volumes: {
    type: { kind: 'list', item: volumeFields, goType: '[]types.Volume' },
    doc: 'Volumes the containers mount. Each defines exactly one of `hostPath`, `emptyDir`, `gcePersistentDisk`.',
    konlet: 'Checked after the running container has been deleted: a mistake here means downtime.',
    cloudInit: 'Checked before anything changes.',
  },
  restartPolicy: {
    pointer: true,
    type: str(['Always', 'OnFailure', 'Never']),
    doc: 'When to restart the container: `Always` (default), `OnFailure` or `Never`. Case-sensitive.',
    konlet: 'Docker `always`, `on-failure` or `no`. Anything else fails after the running container was deleted.',
    cloudInit: 'systemd `Restart=always`, `on-failure` or `no`.',
  },
};

export const rootFields: FieldTable = {
  spec: {
    type: { kind: 'object', goType: 'types.ContainerSpecStruct', fields: specFields },
    required: true,
    doc: 'The container declaration, in the format of `gcloud compute instances create-with-container`.',
    konlet: 'Read from the `gce-container-declaration` metadata key.',
    cloudInit: 'Rendered to `#cloud-config` user-data.',
  },
};
