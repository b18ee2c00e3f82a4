/**
 * The `docker run` a container of the declaration becomes, following konlet's effective command
 * (reference/konlet-spec.md §4.4): host network, env in order, binds, tmpfs, privileged, -i, -t, and
 * the command split into --entrypoint plus leading arguments.
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

/** argv after `docker`, e.g. `['run', '-d', '--name', 'app', …, 'image', …]`. */
export function dockerRunArgs(spec: DeclarationSpec, containerIndex: number, style: RunStyle): string[] {
  const container = spec.containers?.[containerIndex];
  if (!container) throw new Error(`No container at index ${containerIndex}`);
  const name = containerName(container, containerIndex);
  const argv = ['run', style === 'detached' ? '-d' : '--rm', '--name', name, '--network', 'host'];
  if (style === 'detached') argv.push('--restart', restartValue(spec.restartPolicy));
  if (container.securityContext?.privileged) argv.push('--privileged');
  if (container.stdin) argv.push('-i');
  if (container.tty) argv.push('-t');
  for (const variable of container.env ?? []) argv.push('--env', `${variable.name ?? ''}=${variable.value ?? ''}`);
  const volumes = new Map((spec.volumes ?? []).map((volume) => [volume.name ?? '', volume]));
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name ?? '');
    const target = mount.mountPath ?? '';
    if (!volume) continue;
    if (volume.emptyDir) {
      argv.push('--tmpfs', mount.readOnly ? `${target}:ro` : target);
    } else {
      const source = volume.hostPath ? (volume.hostPath.path ?? '') : volume.gcePersistentDisk ? diskMountPoint(volume.gcePersistentDisk) : '';
      argv.push('-v', `${source}:${target}${mount.readOnly ? ':ro' : ''}`);
    }
  }
  const [entrypoint, ...commandRest] = container.command ?? [];
  if (entrypoint !== undefined) argv.push('--entrypoint', entrypoint);
  argv.push(container.image ?? '', ...commandRest, ...(container.args ?? []));
  return argv;
}
