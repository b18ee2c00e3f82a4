/**
 * `#cloud-config` user-data (DESIGN §2): one systemd unit per container, host directories and disks
 * prepared in `bootcmd`, units started in `runcmd`. On COS /etc and /var/lib/cloud are tmpfs, so
 * cloud-init writes and starts everything again at each boot.
 */
import { stringify } from 'yaml';
import type { DeclarationSpec } from '../model';
import { hostPreparation, renderUnit } from './systemdUnit';

/** The comment that says a `user-data` is ours (a deploy replaces only user-data carrying it). */
export const cloudInitMarker = '# Written by cosvm from a container declaration.';

export function renderCloudInit(spec: DeclarationSpec): string {
  const units = (spec.containers ?? []).map((_container, index) => renderUnit(spec, index));
  const config = {
    write_files: units.map((unit) => ({ path: `/etc/systemd/system/${unit.name}`, permissions: '0644', owner: 'root', content: unit.content })),
    bootcmd: hostPreparation(spec),
    runcmd: ['systemctl daemon-reload', ...units.map((unit) => `systemctl start ${unit.name}`)],
  };
  return `#cloud-config\n${cloudInitMarker}\n${stringify(config, { lineWidth: 0, blockQuote: 'literal' })}`;
}
