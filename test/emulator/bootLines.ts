import { createHash } from 'node:crypto';
import type { ImageInfo } from './images';
import { metadataValue } from './metadata';
import type { MetadataItem } from './resources';

/**
 * Serial console text for a boot when no VmHost writes real output: COS kernel and systemd lines, the
 * guest agent, cloud-init when `user-data` is `#cloud-config`, konlet-startup for a
 * `gce-container-declaration` (reference/konlet-spec.md §4.2), the startup-script runner, and the login
 * prompt. Plausible, not byte-exact: the console prefix format is unverified (konlet-spec §4.2).
 */
export interface BootContext {
  name: string;
  image: ImageInfo;
  items: readonly MetadataItem[];
  nowMs: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

function journalTime(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()] ?? 'Jan'} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

function goTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** konlet's `klt-<name>-xxxx`: four letters, stable per instance here (konlet-spec §4.3). */
function kltSuffix(name: string): string {
  const digest = createHash('sha256').update(name).digest();
  return Array.from(digest.subarray(0, 4), (byte) => String.fromCharCode(97 + (byte % 26))).join('');
}

function kernelLines(ctx: BootContext): string[] {
  const version = ctx.image.cosVersion || '6.1.0';
  return [
    'SeaBIOS (version 1.8.2-google)',
    'Booting from Hard Disk 0...',
    `[    0.000000] Linux version 6.6.56+ (builder@localhost) (Chromium OS ${version} clang version 19.0.0) #1 SMP PREEMPT_DYNAMIC`,
    '[    0.000000] Command line: BOOT_IMAGE=/syslinux/vmlinuz.A init=/usr/lib/systemd/systemd boot=local rootwait ro console=ttyS0,115200n8',
    '[    2.104882] systemd[1]: systemd 255 running in system mode (+PAM +AUDIT +SELINUX -APPARMOR +IMA +SMACK +SECCOMP)',
    `[    2.231045] systemd[1]: Hostname set to <${ctx.name}>.`,
    '[  OK  ] Started google-guest-agent.service - Google Compute Engine Guest Agent.',
    '[  OK  ] Started docker.service - Docker Application Container Engine.',
  ];
}

function cloudInitLines(ctx: BootContext, at: (unit: string) => string): string[] {
  const userData = metadataValue(ctx.items, 'user-data');
  if (userData === undefined || !userData.trimStart().startsWith('#cloud-config')) return [];
  const date = new Date(ctx.nowMs).toUTCString().replace('GMT', '+0000');
  return [
    `${at('cloud-init[701]')}: Cloud-init v. 24.1.3 running 'init' at ${date}. Up 9.18 seconds.`,
    `${at('cloud-init[901]')}: Cloud-init v. 24.1.3 running 'modules:config' at ${date}. Up 11.02 seconds.`,
    `${at('cloud-init[1002]')}: Cloud-init v. 24.1.3 running 'modules:final' at ${date}. Up 12.87 seconds.`,
    `${at('cloud-init[1002]')}: Cloud-init v. 24.1.3 finished at ${date}. Datasource DataSourceGCELocal.  Up 14.40 seconds`,
  ];
}

function konletLines(ctx: BootContext, at: (unit: string) => string): string[] {
  const declaration = metadataValue(ctx.items, 'gce-container-declaration');
  if (declaration === undefined) return [];
  const image = /^\s*(?:-\s+)?image:\s*['"]?([^'"\s]+)/m.exec(declaration)?.[1] ?? 'unknown';
  const container = /^\s*-\s+name:\s*['"]?([^'"\s]+)/m.exec(declaration)?.[1] ?? ctx.name;
  const host = (image.split('/')[0] ?? '').toLowerCase();
  const google = host === 'gcr.io' || host.endsWith('.gcr.io') || host.endsWith('.pkg.dev');
  const klt = `klt-${container}-${kltSuffix(ctx.name)}`;
  const id = createHash('sha256').update(`${ctx.name}/${ctx.nowMs}`).digest('hex');
  const prefix = `${at('konlet-startup[694]')}: ${goTime(ctx.nowMs)} `;
  return [
    'Starting Konlet container startup agent',
    google ? 'Downloading credentials for default VM service account from metadata server' : 'Non-GCR registry used - Konlet will use empty auth',
    'Determining the iptables version',
    'Detected nf_tables on the host OS. Staying on the nf_tables.',
    'Updating IPtables firewall rules - allowing tcp traffic on all ports',
    'Updating IPtables firewall rules - allowing udp traffic on all ports',
    'Updating IPtables firewall rules - allowing icmp traffic on all ports',
    `Launching user container '${image}'`,
    `Configured container '${container}' will be started with name '${klt}'.`,
    `Pulling image: '${image}'`,
    `Received ImagePull response: ({"status":"Status: Downloaded newer image for ${image}"}).`,
    'No containers created by previous runs of Konlet found.',
    `Found 0 volume mounts in container ${container} declaration.`,
    `Created a container with name '${klt}' and ID: ${id}`,
    `Starting a container with ID: ${id}`,
    'Saving welcome script to profile.d',
  ].map((line) => prefix + line);
}

function startupScriptLines(ctx: BootContext, at: (unit: string) => string): string[] {
  if (metadataValue(ctx.items, 'startup-script') === undefined) return [];
  return [
    `${at('google_metadata_script_runner[1102]')}: Starting startup scripts (version 20241018.01).`,
    `${at('google_metadata_script_runner[1102]')}: Found startup-script in metadata.`,
    `${at('google_metadata_script_runner[1102]')}: startup-script exit status 0`,
    `${at('google_metadata_script_runner[1102]')}: Finished running startup scripts.`,
  ];
}

export function bootLines(ctx: BootContext): string {
  const at = (unit: string) => `${journalTime(ctx.nowMs)} ${ctx.name} ${unit}`;
  const lines = [
    ...kernelLines(ctx),
    `${at('google_guest_agent[612]')}: GCE Agent Started (version 20241018.01)`,
    ...cloudInitLines(ctx, at),
    ...konletLines(ctx, at),
    ...startupScriptLines(ctx, at),
    `${at('systemd[1]')}: Startup finished in 1.911s (kernel) + 12.302s (userspace) = 14.213s.`,
    '',
    `${ctx.name} login: `,
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export function shutdownLines(name: string, nowMs: number, reboot: boolean): string {
  const at = `${journalTime(nowMs)} ${name}`;
  return [
    `${at} systemd[1]: Stopping docker.service - Docker Application Container Engine...`,
    `${at} systemd[1]: Stopped google-guest-agent.service - Google Compute Engine Guest Agent.`,
    `${at} systemd-shutdown[1]: Syncing filesystems and block devices.`,
    reboot ? '[  120.511022] reboot: Restarting system' : '[  120.511022] reboot: Power down',
  ].join('\r\n') + '\r\n';
}
