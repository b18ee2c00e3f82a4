/**
 * What a log stream is and how its lines look, without `vscode`, so the unit tier tests it: which streams
 * an instance offers (by deploy mode), each stream's key and channel name, and the line formats.
 */
import { parseDeclaration } from '../core/declaration/parse';
import { containerName } from '../core/declaration/render/dockerRun';
import { unitName } from '../core/declaration/render/systemdUnit';
import type { DeployMode, InstanceRef } from '../core/gce/model';
import type { ContainerLogLine } from '../core/logs/containerLogs';
import { timeNanos } from '../core/logs/containerLogs';
import type { JournalEntry } from '../core/logs/journalExport';

/** How much history a stream starts with, so a long journal does not flood the panel. */
export const tailLines = 200;
export const serialTailBytes = 64 * 1024;

export type StreamSource =
  /** A systemd unit's journal over SSH. */
  | { kind: 'journal'; unit: string }
  /** `docker logs -f`: a container by its exact name, or konlet's `klt-<name>-xxxx` found when it starts. */
  | { kind: 'docker'; container: string; konlet?: boolean }
  /** The serial console through the Compute API (no SSH). */
  | { kind: 'serial'; port: number };

export interface StreamSpec {
  instance: InstanceRef;
  /** Short, for pickers and the channel name: the container or unit (`web`, `konlet-startup`). */
  label: string;
  source: StreamSource;
}

/** Identifies a stream, so reopening it shows the channel already following it. */
export function streamKey(spec: StreamSpec): string {
  const { project, zone, name } = spec.instance;
  const source = spec.source;
  const what = source.kind === 'journal' ? source.unit : source.kind === 'docker' ? `${source.konlet ? 'konlet:' : ''}${source.container}` : String(source.port);
  return `${project}/${zone}/${name}#${source.kind}:${what}`;
}

/**
 * The stream for a container picked from `docker ps`: konlet's `klt-<name>-xxxx` is the declared container's
 * stream (the same channel Follow Logs opens); others by name.
 */
export function containerStream(instance: InstanceRef, container: string): StreamSpec {
  const declared = /^klt-(.+)-[a-z]{4}$/.exec(container)?.[1];
  return declared ? { instance, label: declared, source: { kind: 'docker', container: declared, konlet: true } } : { instance, label: container, source: { kind: 'docker', container } };
}

/** `COS: web-1 · web (journal)`, `COS: web-1 · web (docker logs)`, `COS: web-1 · serial port 1`. */
export function channelName(spec: StreamSpec): string {
  const kind = spec.source.kind === 'journal' ? ' (journal)' : spec.source.kind === 'docker' ? ' (docker logs)' : '';
  return `COS: ${spec.instance.name} · ${spec.label}${kind}`;
}

/** What a stream reads, for a picker's description. */
export function streamDescription(source: StreamSource): string {
  if (source.kind === 'journal') return `journalctl -u ${source.unit}`;
  if (source.kind === 'docker') return source.konlet ? `docker logs -f klt-${source.container}-…` : `docker logs -f ${source.container}`;
  return `serial port ${source.port} (Compute API)`;
}

/**
 * The streams that apply to an instance: cloud-init runs each container as a systemd unit whose journal
 * holds its output (names from the renderer); konlet has its own `konlet-startup` journal and a
 * container whose output `docker logs` has; every VM has a serial console.
 */
export function streamsFor(instance: InstanceRef & { deployMode: DeployMode; declaration: string | undefined; status?: string }): StreamSpec[] {
  const ref: InstanceRef = { project: instance.project, zone: instance.zone, name: instance.name };
  // SSH streams need a running VM; the serial port keeps what the last boot wrote.
  if (instance.status !== undefined && instance.status !== 'RUNNING') return [{ instance: ref, label: 'serial port 1', source: { kind: 'serial', port: 1 } }];
  const containers = instance.declaration ? (parseDeclaration(instance.declaration).declaration.spec?.containers ?? []) : [];
  const streams: StreamSpec[] = [];
  if (instance.deployMode === 'cloud-init') {
    containers.forEach((container, index) => {
      const name = containerName(container, index);
      streams.push({ instance: ref, label: name, source: { kind: 'journal', unit: unitName(name) } });
    });
  } else if (instance.deployMode === 'konlet') {
    containers.forEach((container, index) => {
      streams.push({ instance: ref, label: containerName(container, index), source: { kind: 'docker', container: containerName(container, index), konlet: true } });
    });
    streams.push({ instance: ref, label: 'konlet-startup', source: { kind: 'journal', unit: 'konlet-startup.service' } });
  }
  streams.push({ instance: ref, label: 'serial port 1', source: { kind: 'serial', port: 1 } });
  return streams;
}

/** konlet's container for a declared name: `klt-<name>-<4 letters>`; a running one wins over older ones. */
export function konletContainer(declared: string, containers: readonly { name: string; state: string }[]): string | undefined {
  const pattern = new RegExp(`^klt-${declared.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}-[a-z]{4}$`);
  const matches = containers.filter((c) => pattern.test(c.name));
  return (matches.find((c) => c.state === 'running') ?? matches[0])?.name;
}

const priorities = ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug'];

export function priorityName(priority: number): string {
  return priorities[priority] ?? `p${priority}`;
}

/** `2026-11-23 05:01:02.123`, local time unless `utc`. */
export function formatTime(ms: number, utc = false): string {
  const d = new Date(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const [y, mo, day, h, mi, s] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  return `${y}-${pad(mo)}-${pad(day)} ${pad(h)}:${pad(mi)}:${pad(s)}.${pad(((ms % 1000) + 1000) % 1000, 3)}`;
}

/** Continuation lines are indented under the message, so every line of the panel starts with a time. */
function indentMessage(message: string, prefix: string): string {
  const lines = message.replace(/\r?\n$/, '').split(/\r?\n/);
  return lines.map((line, index) => (index === 0 ? `${prefix}${line}` : `${' '.repeat(prefix.length)}${line}`)).join('\n');
}

/** `2026-11-23 05:01:02.123 [warn] message`. */
export function formatJournalEntry(entry: JournalEntry, utc = false): string {
  return indentMessage(entry.message, `${formatTime(Number(entry.realtimeUsec / 1000n), utc)} [${priorityName(entry.priority)}] `);
}

/** `2026-11-23 05:01:02.123 [stderr] text`; a line without Docker's time keeps its text only. */
export function formatContainerLine(line: ContainerLogLine, utc = false): string {
  const nanos = line.time === undefined ? undefined : timeNanos(line.time);
  const time = nanos === undefined ? '' : `${formatTime(Number(nanos / 1_000_000n), utc)} `;
  return `${time}[${line.stream}] ${line.text}`;
}

/** A line from cosvm itself, set apart from the stream's own: `── 05:01:02 reconnecting: … ──`. */
export function statusLine(text: string, now = Date.now(), utc = false): string {
  return `── ${formatTime(now, utc).slice(11, 19)} ${text} ──`;
}

export function lostBytesLine(bytes: number): string {
  return `[${bytes.toLocaleString('en-US')} bytes of serial output were lost: the port keeps only its last 1 MB and it wrote faster than it was read]`;
}

/** Serial console text without terminal escapes (colours, cursor moves) and carriage returns, which a panel shows as noise. */
export function cleanSerialText(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching escape sequences is the point
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\r(?=\n)/g, '').replace(/\r/g, '\n');
}
