/**
 * A container's output on the VM, followed over SSH with `docker logs --follow --timestamps` (konlet runs
 * containers with json-file logging, so `docker logs` has it all; konlet-spec.md). stdout and stderr stay
 * apart (no pty). After a drop it reconnects and resumes with `--since` the last timestamp it delivered;
 * Docker includes lines at exactly that time, so those already delivered are skipped: nothing repeats.
 */
import type { Client } from 'ssh2';
import { abortableSleep } from '../abortableSleep';
import { isCancelled, SshError } from '../errors';
import { shellCommand } from '../shell';
import { checkContainerName, dockerCommandError } from '../ssh/remoteDocker';
import { isTransient } from '../ssh/session';
import type { JournalQuery } from './journalctl';
import { callbackError, streamChannel, untilChannelCloses } from './journalFollow';

/** konlet-startup.service: konlet's own steps and errors (pull failures, restarts) are in its journal. */
export const konletStartupQuery: Omit<JournalQuery, 'follow' | 'afterCursor'> = { unit: 'konlet-startup.service' };

export type LogStream = 'stdout' | 'stderr';

export interface ContainerLogLine {
  stream: LogStream;
  /** Docker's RFC 3339 time with nanoseconds (`2024-05-01T10:00:00.123456789Z`). */
  time?: string;
  text: string;
}

export interface DockerLogsOptions {
  /** Start with at most this many of the last lines (ignored with `since`). */
  tail: number;
  /** Resume: lines at or after this Docker time (`seconds.nanoseconds`). */
  since?: string;
}

/** The remote command: `docker logs -f` that ends with the channel (and ends it when the container stops). */
export function dockerLogsFollowCommand(container: string, options: DockerLogsOptions): string {
  checkContainerName(container);
  const argv = ['docker', 'logs', '--follow', '--timestamps'];
  if (options.since !== undefined) {
    if (!/^\d+\.\d{9}$/.test(options.since)) throw new SshError('ssh/command-failed', `Bad resume time ${JSON.stringify(options.since)}.`);
    argv.push('--since', options.since);
  } else {
    if (!Number.isInteger(options.tail) || options.tail < 0) throw new SshError('ssh/command-failed', `Bad line count ${options.tail}.`);
    argv.push('--tail', String(options.tail));
  }
  argv.push('--', container);
  return untilChannelCloses(shellCommand(argv));
}

const stamped = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,9})?(Z|[+-]\d\d:\d\d) (.*)$/s;

/** One output line (without its newline): Docker's time prefix split off when there is one. */
export function parseDockerLogLine(stream: LogStream, line: string): ContainerLogLine {
  const match = stamped.exec(line);
  if (!match) return { stream, text: line };
  return { stream, time: `${match[1]}${match[2] ?? ''}${match[3]}`, text: match[4] ?? '' };
}

/** Nanoseconds since the epoch of a Docker time, or undefined when it is not one. */
export function timeNanos(time: string): bigint | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

interface Mark {
  nanos: bigint;
  /** Lines of that stream delivered with exactly this time. */
  count: number;
}

/**
 * Which lines were delivered, per stream (each stream is in order; the two interleave freely over SSH),
 * so a resumed `docker logs --since` repeats none of them.
 */
export class LogResume {
  private readonly last: Partial<Record<LogStream, Mark>> = {};
  private marks: Partial<Record<LogStream, Mark>> = {};
  private seenAtMark: Record<LogStream, number> = { stdout: 0, stderr: 0 };

  /** The `--since` for a new attempt (undefined before anything was delivered). */
  since(replayWindowNanos = 5_000_000_000n): string | undefined {
    const times = Object.values(this.last).map((mark) => mark.nanos);
    if (times.length === 0) return undefined;
    const newest = times.reduce((a, b) => (a > b ? a : b));
    // From the older stream's last line, so a line in flight on it is not lost; but a stream that has been
    // quiet for hours must not replay hours of the other one.
    let since = times.reduce((a, b) => (a < b ? a : b));
    if (since < newest - replayWindowNanos) since = newest - replayWindowNanos;
    return `${since / 1_000_000_000n}.${String(since % 1_000_000_000n).padStart(9, '0')}`;
  }

  /** Starts an attempt: lines up to what was delivered will come again and be skipped. */
  restart(): void {
    this.marks = { ...this.last };
    this.seenAtMark = { stdout: 0, stderr: 0 };
  }

  /** True when `line` is new (and records it as delivered). Lines without a time are always new. */
  accept(line: ContainerLogLine): boolean {
    const nanos = line.time === undefined ? undefined : timeNanos(line.time);
    if (nanos === undefined) return true;
    const mark = this.marks[line.stream];
    if (mark) {
      if (nanos < mark.nanos) return false;
      if (nanos === mark.nanos && ++this.seenAtMark[line.stream] <= mark.count) return false;
    }
    const last = this.last[line.stream];
    this.last[line.stream] = last && last.nanos === nanos ? { nanos, count: last.count + 1 } : { nanos, count: 1 };
    return true;
  }
}

export type ContainerFollowStatus = 'connected' | 'reconnecting' | 'stopped';

export interface ContainerFollowOptions {
  /** A ready SSH connection: a new one per attempt, or the instance's shared one (then set `shared`). */
  connect: (signal: AbortSignal) => Promise<Client>;
  /** The connection is shared (SshSession.client): it is left open after each attempt. */
  shared?: boolean;
  container: string;
  /**
   * For a container whose name changes (konlet's `klt-<name>-xxxx` after konlet recreates it): found again on
   * each attempt; undefined while there is none (it is being recreated), which waits like a stopped container.
   */
  resolveContainer?: (client: Client, signal: AbortSignal) => Promise<string | undefined>;
  /** Lines of history to start with (default 200). */
  tail?: number;
  onLines: (lines: ContainerLogLine[]) => void;
  /** `stopped`: docker logs ended because the container stopped; it is checked again with backoff. */
  onStatus?: (status: ContainerFollowStatus, error?: unknown) => void;
  signal: AbortSignal;
  /** Delays between attempts: doubled from `initialMs` up to `maxMs`, reset when lines arrive. */
  backoff?: { initialMs: number; maxMs: number };
}

/**
 * Resolves when `signal` aborts. Rides out drops and container restarts (`isTransient`); rejects when the
 * VM says the container does not exist or has no Docker (input/invalid for a name Docker could not have),
 * and on any other error a retry cannot fix (auth refused, a host key problem, no credentials, no such VM,
 * a throwing `onLines`).
 */
export async function followContainerLogs(options: ContainerFollowOptions): Promise<void> {
  const { signal, container } = options;
  checkContainerName(container);
  const { initialMs, maxMs } = options.backoff ?? { initialMs: 250, maxMs: 10_000 };
  const resume = new LogResume();
  let delay = initialMs;
  /** One `docker logs -f` run on `client`; true when the follow was stopped meanwhile. */
  const followOnce = async (client: Client, name: string): Promise<boolean> => {
    const since = resume.since();
    resume.restart();
    const command = dockerLogsFollowCommand(name, since === undefined ? { tail: options.tail ?? 200 } : { tail: 0, since });
    const outcome = await streamOnce(client, command, signal, (lines) => {
      const fresh = lines.filter((line) => resume.accept(line));
      if (fresh.length === 0) return;
      delay = initialMs;
      options.onLines(fresh);
    });
    if (signal.aborted) return true;
    if (outcome.exitCode === 0) options.onStatus?.('stopped');
    else if (outcome.exitCode !== undefined) {
      const error = dockerCommandError(`docker logs ${name}`, { stdout: '', stderr: outcome.stderr, exitCode: outcome.exitCode, signal: undefined });
      // A container found by resolveContainer may be gone by now (recreated): look again on the next attempt.
      const missing = /No such container/i.test(outcome.stderr);
      if (missing && options.resolveContainer) options.onStatus?.('stopped');
      else if (missing) throw new SshError('ssh/command-failed', `There is no container named ${name} on the VM.`, { detail: error.detail });
      else if (/^Docker is not installed/.test(error.userMessage)) throw error;
      else options.onStatus?.('reconnecting', error);
    } else options.onStatus?.('reconnecting');
    return false;
  };
  while (!signal.aborted) {
    let client: Client | undefined;
    try {
      client = await options.connect(signal);
      options.onStatus?.('connected');
      const resolved = options.resolveContainer ? await options.resolveContainer(client, signal) : container;
      // None yet (konlet is recreating it): wait as for a stopped container, then look again.
      if (resolved === undefined) options.onStatus?.('stopped');
      else if (await followOnce(client, checkContainerName(resolved))) return;
    } catch (error) {
      if (signal.aborted || isCancelled(error)) return;
      if (!isTransient(error)) throw error;
      options.onStatus?.('reconnecting', error);
    } finally {
      if (!options.shared) client?.end();
    }
    await abortableSleep(delay, signal);
    delay = Math.min(maxMs, delay * 2);
  }
}

interface Outcome {
  /** The wrapper's exit status; undefined when the channel or connection went away first. */
  exitCode: number | undefined;
  /** stderr lines without Docker's time prefix: the docker CLI's own messages. */
  stderr: string;
}

/** Runs the follow command on one connection until the channel or the connection ends. */
async function streamOnce(client: Client, command: string, signal: AbortSignal, onLines: (lines: ContainerLogLine[]) => void): Promise<Outcome> {
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  const cliMessages: string[] = [];
  const deliver = (stream: LogStream, raw: string[]) => {
    const lines: ContainerLogLine[] = [];
    for (const text of raw) {
      const line = parseDockerLogLine(stream, text);
      if (stream === 'stderr' && line.time === undefined) cliMessages.push(text);
      else lines.push(line);
    }
    if (lines.length > 0) onLines(lines);
  };
  const { exitCode } = await streamChannel(client, command, signal, (stream, chunk) => deliver(stream, splitters[stream].push(chunk)));
  // A command that ended by itself said everything: its last line may lack a newline. After a drop a
  // partial line is dropped here and read again on the next attempt.
  if (exitCode !== undefined && !signal.aborted) {
    try {
      for (const stream of ['stdout', 'stderr'] as const) deliver(stream, splitters[stream].end());
    } catch (error) {
      throw callbackError(error);
    }
  }
  return { exitCode, stderr: cliMessages.join('\n') };
}

/** Splits a byte stream into lines; a multi-byte character split across chunks stays whole. */
class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    const data = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    const lines: string[] = [];
    let offset = 0;
    for (let newline = data.indexOf(0x0a, offset); newline >= 0; newline = data.indexOf(0x0a, offset)) {
      lines.push(data.toString('utf8', offset, newline));
      offset = newline + 1;
    }
    this.rest = data.subarray(offset);
    return lines;
  }

  end(): string[] {
    const rest = this.rest;
    this.rest = Buffer.alloc(0);
    return rest.length > 0 ? [rest.toString('utf8')] : [];
  }
}
