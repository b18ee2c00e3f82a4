/**
 * The `docker run` a container of the declaration becomes, following konlet's effective command
 * (reference/konlet-spec.md §4.4): host network, env in order, binds, tmpfs, privileged, -i, -t, and
 * the command split into --entrypoint plus leading arguments.
 *
 * `runSpec` decides what a container gets once; `dockerRunArgs` spells it for the CLI and
 * core/docker/runLocal.ts for the Engine API, so the two cannot drift apart.
 */
import type { Container, DeclarationSpec, Volume } from '../model';

export type RunStyle =
  /** Detached with Docker's own restart policy: `cosvm render --to docker-run` and Run Locally. */
  | 'detached'
  /** In the foreground under a systemd unit, which owns restarts and collects the output in the journal. */
  | 'unit';

const restartValues: Record<string, string> = { Always: 'always', OnFailure: 'on-failure', Never: 'no' };

/** The declaration's restart policy as Docker's `--restart` and systemd's `Restart=` both spell it. */
export function restartValue(policy: string | undefined): string {
  return restartValues[policy ?? 'Always'] ?? 'always';
}

/** Where a persistent disk is mounted on the host by our cloud-init and startup-script renderings. */
export function diskMountPoint(disk: NonNullable<Volume['gcePersistentDisk']>): string {
  return `/mnt/disks/${disk.pdName ?? ''}${disk.partition && disk.partition > 0 ? `-part${disk.partition}` : ''}`;
}

export function containerName(container: Container, index: number): string {
  return container.name || `container-${index}`;
}

export type RunMount =
  /** `-v source:target[:ro]`; `disk` is set when the source is a persistent disk's mount point. */
  | { kind: 'bind'; source: string; target: string; readOnly: boolean; disk?: NonNullable<Volume['gcePersistentDisk']> }
  /** `--tmpfs target[:ro]`: an `emptyDir` (medium Memory). */
  | { kind: 'tmpfs'; target: string; readOnly: boolean };

/** What one container of the declaration runs with, before any spelling (CLI flags or Engine API). */
export interface RunSpec {
  name: string;
  image: string;
  /** Docker's restart policy name: `always`, `on-failure` or `no`. */
  restart: string;
  privileged: boolean;
  stdin: boolean;
  tty: boolean;
  /** `NAME=value`, in declaration order; a missing value gives `NAME=` (§1.2). */
  env: string[];
  /** In declaration order; mounts of undeclared volumes are left out. */
  mounts: RunMount[];
  /** `command[0]`: replaces the image's ENTRYPOINT (and with it the image's CMD). */
  entrypoint: string | undefined;
  /** The words after the image: `command[1:]`, then `args`. Empty keeps the image's CMD. */
  cmd: string[];
}

export function runSpec(spec: DeclarationSpec, containerIndex: number): RunSpec {
  const container = spec.containers?.[containerIndex];
  if (!container) throw new Error(`No container at index ${containerIndex}`);
  const volumes = new Map((spec.volumes ?? []).map((volume) => [volume.name ?? '', volume]));
  const mounts: RunMount[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name ?? '');
    if (!volume) continue;
    const target = mount.mountPath ?? '';
    const readOnly = mount.readOnly === true;
    if (volume.emptyDir) mounts.push({ kind: 'tmpfs', target, readOnly });
    else if (volume.hostPath) mounts.push({ kind: 'bind', source: volume.hostPath.path ?? '', target, readOnly });
    else if (volume.gcePersistentDisk) {
      const disk = volume.gcePersistentDisk;
      mounts.push({ kind: 'bind', source: diskMountPoint(disk), target, readOnly, disk });
    } else mounts.push({ kind: 'bind', source: '', target, readOnly });
  }
  const [entrypoint, ...commandRest] = container.command ?? [];
  return {
    name: containerName(container, containerIndex),
    image: container.image ?? '',
    restart: restartValue(spec.restartPolicy),
    privileged: container.securityContext?.privileged === true,
    stdin: container.stdin === true,
    tty: container.tty === true,
    env: (container.env ?? []).map((variable) => `${variable.name ?? ''}=${variable.value ?? ''}`),
    mounts,
    entrypoint,
    cmd: [...commandRest, ...(container.args ?? [])],
  };
}

/** argv after `docker`, e.g. `['run', '-d', '--name', 'app', …, 'image', …]`. */
export function dockerRunArgs(spec: DeclarationSpec, containerIndex: number, style: RunStyle): string[] {
  const run = runSpec(spec, containerIndex);
  const argv = ['run', style === 'detached' ? '-d' : '--rm', '--name', run.name, '--network', 'host'];
  if (style === 'detached') argv.push('--restart', run.restart);
  if (run.privileged) argv.push('--privileged');
  if (run.stdin) argv.push('-i');
  if (run.tty) argv.push('-t');
  for (const variable of run.env) argv.push('--env', variable);
  for (const mount of run.mounts) {
    const ro = mount.readOnly ? ':ro' : '';
    if (mount.kind === 'tmpfs') argv.push('--tmpfs', `${mount.target}${ro}`);
    else argv.push('-v', `${mount.source}:${mount.target}${ro}`);
  }
  if (run.entrypoint !== undefined) argv.push('--entrypoint', run.entrypoint);
  argv.push(run.image, ...run.cmd);
  return argv;
}
