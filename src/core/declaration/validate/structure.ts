/**
 * konlet's own rules on containers, volumes and the restart policy, with its exact messages
 * (reference/konlet-spec.md §1.4, §1.7). In cloud-init mode the same mistakes are errors too, since
 * our renderer cannot express them; only the container count differs.
 */
import { restartPolicies } from '../model';
import { konletData, konletStage, type Rule } from './context';

const prefix = 'Failed to start container: ';
const invalid = `${prefix}Invalid container declaration: `;

export const containerCount: Rule = ({ parsed, mode, at, report }) => {
  const containers = parsed.declaration.spec?.containers ?? [];
  if (mode === 'konlet' && containers.length !== 1) {
    const message = `Container declaration should include exactly 1 container, ${containers.length} found`;
    report({
      severity: 'error',
      code: 'cosvm/container-count',
      message: `${message}. konlet runs exactly one container per VM; use cloud-init mode for several.`,
      range: at('spec.containers', 'key'),
      data: konletData(konletStage.containerCount, message, { count: containers.length }),
    });
  }
  if (mode === 'cloud-init' && containers.length === 0) {
    report({ severity: 'error', code: 'cosvm/container-count', message: 'The declaration has no container: add one under spec.containers.', range: at('spec.containers', 'key'), data: { count: 0 } });
  }
};

/** Docker's reference grammar, simplified: lower-case repository path, optional tag and digest. */
const imageReference = /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-]+[a-z0-9]+|__)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export const images: Rule = ({ parsed, at, report }) => {
  (parsed.declaration.spec?.containers ?? []).forEach((container, index) => {
    const path = `spec.containers[${index}]`;
    if (!container.image) {
      const message = `${prefix}repository name must have at least one component`;
      report({ severity: 'error', code: 'cosvm/image-missing', message: 'The container has no image.', range: at(`${path}.image`, container.image === undefined ? 'key' : 'value'), data: konletData(konletStage.pull, message) });
    } else if (!imageReference.test(container.image)) {
      const message = `${prefix}invalid reference format`;
      report({
        severity: 'error',
        code: 'cosvm/image-invalid',
        message: `"${container.image}" is not a valid image reference (repository names are lower-case; a digest is sha256:<64 hex>).`,
        range: at(`${path}.image`),
        data: konletData(konletStage.pull, message),
      });
    }
  });
};

export const volumeReferences: Rule = ({ parsed, at, report }) => {
  const spec = parsed.declaration.spec;
  const volumes = spec?.volumes ?? [];
  const known = new Set(volumes.map((volume) => volume.name ?? ''));
  const referenced = new Set<string>();
  (spec?.containers ?? []).forEach((container, containerIndex) => {
    (container.volumeMounts ?? []).forEach((mount, mountIndex) => {
      const name = mount.name ?? '';
      referenced.add(name);
      if (known.has(name)) return;
      const message = `${invalid}Volume ${name} referenced in container ${container.name ?? ''} (index: ${containerIndex}) not found in volume definitions.`;
      report({
        severity: 'error',
        code: 'cosvm/volume-not-found',
        message: `Volume "${name}" is mounted but not defined in spec.volumes. konlet fails after deleting the running container.`,
        range: at(`spec.containers[${containerIndex}].volumeMounts[${mountIndex}].name`),
        data: konletData(konletStage.volumeReferences, message, { volumeName: name, mountPath: mount.mountPath }),
      });
    });
  });
  volumes.forEach((volume, index) => {
    const name = volume.name ?? '';
    if (referenced.has(name)) return;
    const message = `${invalid}Volume ${name} not referenced by any container.`;
    report({
      severity: 'error',
      code: 'cosvm/volume-unreferenced',
      message: `Volume "${name}" is not mounted by any container; konlet rejects unused volumes after deleting the running container.`,
      range: at(`spec.volumes[${index}].name`),
      data: konletData(konletStage.volumeReferences + 0.5, message, { volumeIndex: index, volumeName: name }),
    });
  });
};

export const volumeDefinitions: Rule = ({ parsed, at, report }) => {
  const seen = new Set<string>();
  (parsed.declaration.spec?.volumes ?? []).forEach((volume, index) => {
    const path = `spec.volumes[${index}]`;
    const name = volume.name ?? '';
    // konlet checks volume by volume in list order: kinds, then that volume's settings (fsType before pdName).
    const kindStage = konletStage.volumeKinds + index / 1000;
    const settingStage = (order: number) => kindStage + (order + 1) / 100_000;
    if (!volume.name) report({ severity: 'error', code: 'cosvm/volume-name', message: 'The volume has no name.', range: at(path) });
    if (seen.has(name)) report({ severity: 'error', code: 'cosvm/duplicate-volume', message: `Volume "${name}" is defined twice; konlet keeps only one of them.`, range: at(`${path}.name`) });
    seen.add(name);
    const kinds = (['hostPath', 'emptyDir', 'gcePersistentDisk'] as const).filter((kind) => volume[kind] !== undefined);
    if (kinds.length !== 1) {
      const message = `${invalid}Exactly one volume specification required for volume ${name}, ${kinds.length} found.`;
      report({
        severity: 'error',
        code: 'cosvm/volume-kind-count',
        message: kinds.length === 0 ? `Volume "${name}" needs one of hostPath, emptyDir or gcePersistentDisk.` : `Volume "${name}" defines ${kinds.join(' and ')}; keep exactly one.`,
        range: at(`${path}.name`),
        data: konletData(kindStage, message, { kinds }),
      });
      return;
    }
    const volumePrefix = `${prefix}Volume ${name}: `;
    if (volume.emptyDir && volume.emptyDir.medium !== 'Memory') {
      const medium = volume.emptyDir.medium ?? '';
      report({
        severity: 'error',
        code: 'cosvm/emptydir-medium',
        message: `emptyDir needs \`medium: Memory\` (exactly; got "${medium}").`,
        range: at(`${path}.emptyDir.medium`),
        data: konletData(settingStage(0), `${volumePrefix}Unsupported emptyDir volume medium: ${medium}`, { replacement: 'Memory' }),
      });
    }
    const disk = volume.gcePersistentDisk;
    if (disk) {
      if (!disk.pdName) {
        report({ severity: 'error', code: 'cosvm/pd-name', message: 'gcePersistentDisk needs pdName: the device name of an attached disk.', range: at(`${path}.gcePersistentDisk.pdName`), data: konletData(settingStage(2), `${volumePrefix}Empty GCE Persistent Disk name!`) });
      }
      if (disk.fsType !== undefined && disk.fsType !== '' && disk.fsType !== 'ext4') {
        report({
          severity: 'error',
          code: 'cosvm/fs-type',
          message: `Only ext4 is supported (got "${disk.fsType}").`,
          range: at(`${path}.gcePersistentDisk.fsType`),
          data: konletData(settingStage(1), `${volumePrefix}Unsupported filesystem type: ${disk.fsType}`, { replacement: 'ext4' }),
        });
      }
    }
    if (volume.hostPath && !volume.hostPath.path) {
      report({ severity: 'error', code: 'cosvm/host-path-missing', message: 'hostPath needs a path.', range: at(`${path}.hostPath`, 'key') });
    } else if (volume.hostPath?.path && /[:,]/.test(volume.hostPath.path)) {
      // Docker's `-v SRC:DST` and gcloud's `host-path=…,mount-path=…` both split on these.
      report({ severity: 'error', code: 'cosvm/host-path-chars', message: `hostPath "${volume.hostPath.path}" contains ":" or ",", which Docker's bind syntax cannot carry.`, range: at(`${path}.hostPath.path`) });
    }
  });
};

const policyAliases: Record<string, string> = { always: 'Always', onfailure: 'OnFailure', 'on-failure': 'OnFailure', never: 'Never', no: 'Never' };

export const restartPolicy: Rule = ({ parsed, at, report }) => {
  const policy = parsed.declaration.spec?.restartPolicy;
  if (policy === undefined || (restartPolicies as readonly string[]).includes(policy)) return;
  const replacement = policyAliases[policy.toLowerCase()];
  const message = `${invalid}Unsupported container restart policy '${policy}'`;
  report({
    severity: 'error',
    code: 'cosvm/restart-policy',
    message: `Unsupported restart policy "${policy}": use exactly Always, OnFailure or Never (case-sensitive)${replacement ? `; did you mean ${replacement}?` : '.'} konlet checks it only after deleting the running container.`,
    range: at('spec.restartPolicy'),
    data: konletData(konletStage.restartPolicy, message, replacement ? { replacement } : {}),
  });
};

const containerName = /^[A-Za-z0-9_.-]*$/;

export const containers: Rule = ({ parsed, at, report }) => {
  (parsed.declaration.spec?.containers ?? []).forEach((container, index) => {
    const path = `spec.containers[${index}]`;
    if (container.name !== undefined && !containerName.test(container.name)) {
      report({
        severity: 'error',
        code: 'cosvm/container-name',
        message: `Container name "${container.name}" may only hold letters, digits, "_", "." and "-" (it becomes a Docker container name).`,
        range: at(`${path}.name`),
        // Docker refuses the name at create time, after konlet deleted the old container.
        data: konletData(konletStage.dockerCreate, `${prefix}Error response from daemon: Invalid container name (klt-${container.name}-xxxx), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`),
      });
    }
    const words = [...(container.command ?? []), ...(container.args ?? [])];
    const only = words[0];
    const executable = container.command?.[0];
    if (words.length === 1 && only !== undefined && /\s/.test(only)) {
      const trimmed = only.trim();
      const first = trimmed.split(/\s+/)[0] ?? '';
      report({
        severity: 'warning',
        code: 'cosvm/command-whitespace',
        // konlet's own warning texts (printWarningIfLikelyHasMistake).
        message: /\s/.test(trimmed)
          ? `Warning: executable "${only}" contains whitespace, which is likely not what you intended. If your intention was to provide arguments to "${first}", split them into command and args.`
          : `Warning: executable "${only}" contains whitespace, which is likely not what you intended. Maybe you accidentally left leading/trailing whitespace?`,
        range: at(container.command?.length ? `${path}.command[0]` : `${path}.args[0]`),
        data: { words: trimmed.split(/\s+/), field: container.command?.length ? 'command' : 'args', containerIndex: index },
      });
    } else if (executable !== undefined && /\S\s+\S/.test(executable.trim())) {
      report({
        severity: 'warning',
        code: 'cosvm/command-whitespace',
        message: `The executable "${executable}" contains whitespace: it is not split into words, so the container fails with 'exec: "${executable}": executable file not found'. Split it into command and args.`,
        range: at(`${path}.command[0]`),
        data: { words: executable.trim().split(/\s+/), field: 'command', containerIndex: index },
      });
    }
    const mountPaths = new Set<string>();
    (container.volumeMounts ?? []).forEach((mount, mountIndex) => {
      const mountPath = mount.mountPath;
      const where = `${path}.volumeMounts[${mountIndex}]`;
      if (!mountPath) {
        report({ severity: 'error', code: 'cosvm/mount-path', message: 'The volume mount needs a mountPath.', range: at(where) });
        return;
      }
      if (!mountPath.startsWith('/') || mountPath.includes(':')) {
        report({ severity: 'error', code: 'cosvm/mount-path', message: `mountPath "${mountPath}" must be absolute and contain no ":".`, range: at(`${where}.mountPath`) });
      }
      if (mountPaths.has(mountPath)) report({ severity: 'error', code: 'cosvm/duplicate-mount-path', message: `mountPath "${mountPath}" is mounted twice in this container.`, range: at(`${where}.mountPath`) });
      mountPaths.add(mountPath);
    });
    const envNames = new Set<string>();
    (container.env ?? []).forEach((variable, envIndex) => {
      if (!variable.name) {
        report({ severity: 'error', code: 'cosvm/env-name', message: 'The environment variable has no name.', range: at(`${path}.env[${envIndex}]`) });
        return;
      }
      if (envNames.has(variable.name)) report({ severity: 'warning', code: 'cosvm/duplicate-env', message: `${variable.name} is set twice; the last value wins.`, range: at(`${path}.env[${envIndex}].name`) });
      envNames.add(variable.name);
    });
  });
};
