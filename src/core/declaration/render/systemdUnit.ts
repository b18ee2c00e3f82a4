/**
 * One systemd unit per container, in the shape of Google's COS cloud-init example: HOME on a writable
 * path for docker-credential-gcr, the container in the foreground (`--rm`) so its output lands in the
 * unit's journal, and the declaration's restart policy as systemd's Restart=.
 */
import { shellQuote as shellWord } from '../../shell';
import type { DeclarationSpec } from '../model';
import { containerName, diskMountPoint, dockerRunArgs, restartValue } from './dockerRun';
import { googleRegistryHost } from './registryAuth';

export const cosvmStateDir = '/var/lib/cosvm';

export function unitName(containerNameValue: string): string {
  return `cosvm-${containerNameValue}.service`;
}


/** Quotes one word for an ExecStart= line: C-style escapes, `%` and `$` doubled (systemd.service(5), systemd.unit(5)). */
export function systemdQuote(word: string): string {
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(word)) return word;
  // (the plain set above has no control characters, quotes, `%` or `$`)
  const escaped = word
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/%/g, '%%')
    .replace(/\$/g, '$$$$')
    // systemd ends a line at CR or NUL too: escape every other control character.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${escaped}"`;
}

export function renderUnit(spec: DeclarationSpec, index: number): { name: string; content: string } {
  const container = spec.containers?.[index];
  if (!container) throw new Error(`No container at index ${index}`);
  const name = containerName(container, index);
  const registry = googleRegistryHost(container.image ?? '');
  const run = ['/usr/bin/docker', ...dockerRunArgs(spec, index, 'unit')].map(systemdQuote).join(' ');
  const lines = [
    '[Unit]',
    `Description=cosvm container ${name}`,
    'Wants=network-online.target gcr-online.target docker.socket',
    'After=network-online.target gcr-online.target docker.socket',
    '',
    '[Service]',
    `Environment=HOME=${cosvmStateDir}`,
    // A container left over from a crash would block --name.
    `ExecStartPre=-/usr/bin/docker rm -f ${systemdQuote(name)}`,
    ...(registry ? [`ExecStartPre=/usr/bin/docker-credential-gcr configure-docker --registries=${registry}`] : []),
    `ExecStart=${run}`,
    `ExecStop=/usr/bin/docker stop ${systemdQuote(name)}`,
    `Restart=${restartValue(spec.restartPolicy)}`,
    'RestartSec=5',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return { name: unitName(name), content: lines.join('\n') };
}

/** Host preparation shared by cloud-init `bootcmd` and the startup script: data directories and disks. */
export function hostPreparation(spec: DeclarationSpec): string[] {
  const commands = [`mkdir -p ${cosvmStateDir}`];
  const mounted = new Set<string>();
  for (const volume of spec.volumes ?? []) {
    if (volume.hostPath?.path) commands.push(`mkdir -p ${shellWord(volume.hostPath.path)}`);
    const disk = volume.gcePersistentDisk;
    if (disk?.pdName) {
      const device = `/dev/disk/by-id/google-${disk.pdName}${disk.partition && disk.partition > 0 ? `-part${disk.partition}` : ''}`;
      const target = diskMountPoint(disk);
      if (mounted.has(target)) continue;
      mounted.add(target);
      const readOnly = (spec.containers ?? []).every((c) => (c.volumeMounts ?? []).filter((m) => m.name === volume.name).every((m) => m.readOnly));
      // As konlet does: format a blank disk as ext4, check an existing one, then mount it. fsck exits 1
      // when it repaired something, which must not stop a `set -e` startup script.
      commands.push(
        `mkdir -p ${shellWord(target)}`,
        `mountpoint -q ${shellWord(target)} || { blkid ${shellWord(device)} >/dev/null || mkfs.ext4 -q ${shellWord(device)}; fsck.ext4 -p ${shellWord(device)} || [ $? -le 1 ]; mount -o ${readOnly ? 'ro' : 'rw'} ${shellWord(device)} ${shellWord(target)}; }`,
      );
    }
  }
  return commands;
}
