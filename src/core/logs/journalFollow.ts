/**
 * Follows a remote journal over SSH and survives disconnects without losing or repeating an entry: it
 * reads `journalctl -o export` (which carries `__CURSOR` and is far cheaper than JSON), remembers the last
 * cursor, and after a drop reconnects with backoff and resumes with `--after-cursor`.
 *
 * The remote command runs without a pty (a pty would rewrite the export format's line breaks), so it is
 * wrapped to die with the channel (`untilChannelCloses`; without that, OpenSSH leaves it running).
 */
import type { Client, ClientChannel } from 'ssh2';
import { abortableSleep } from '../abortableSleep';
import { isCancelled, SshError } from '../errors';
import { shellQuote } from '../shell';
import { isTransient } from '../ssh/session';
import { journalctlCommand, type JournalQuery } from './journalctl';
import { JournalExportParser, type JournalEntry } from './journalExport';

export interface FollowOptions {
  /** Opens a ready SSH connection (host keys checked by the caller). */
  connect: (signal: AbortSignal) => Promise<Client>;
  /** The connection is shared (SshSession.client): it is left open after each attempt instead of ended. */
  shared?: boolean;
  query: Omit<JournalQuery, 'follow' | 'afterCursor'>;
  onEntries: (entries: JournalEntry[]) => void;
  /** Connection state changes, for a status line; `error` says why it dropped. */
  onStatus?: (status: 'connected' | 'reconnecting', error?: unknown) => void;
  signal: AbortSignal;
  /** Reconnect delays: doubled from `initialMs` up to `maxMs`, reset after data arrives. */
  backoff?: { initialMs: number; maxMs: number };
}

/** The remote command: `journalctl -f`, ended when the channel closes. */
export function followCommand(query: JournalQuery): string {
  return untilChannelCloses(journalctlCommand({ ...query, follow: true }));
}

/**
 * Wraps one simple, already quoted command so that it dies with the SSH channel, and the channel ends
 * when it does. Without a pty OpenSSH does not signal a command when its channel closes
 * (gce-api-notes.md §6), so a watcher reads the channel's stdin (kept on fd 3, since a background job's
 * stdin is /dev/null) and kills the command at EOF. A command that ends by itself (`docker logs -f` when
 * its container stops) ends the wrapper with its exit status.
 */
export function untilChannelCloses(command: string): string {
  const script = [
    'exec 3<&0',
    `${command} 3<&- & pid=$!`,
    '(cat <&3 >/dev/null 2>&1; kill $pid 2>/dev/null) & watcher=$!',
    'exec 3<&-',
    'wait $pid; status=$?',
    'kill $watcher 2>/dev/null',
    'exit $status',
  ].join('; ');
  return `sh -c ${shellQuote(script)}`;
}

/**
 * Resolves when `signal` aborts. Rides out connection trouble (`isTransient`); rejects on an error a retry
 * cannot fix (auth refused, a host key problem, no credentials, no such VM, a throwing `onEntries`).
 */
export async function followJournal(options: FollowOptions): Promise<void> {
  const { initialMs, maxMs } = options.backoff ?? { initialMs: 200, maxMs: 10_000 };
  let cursor: string | undefined;
  let delay = initialMs;
  while (!options.signal.aborted) {
    let client: Client | undefined;
    // A connection that ends for any reason is followed by a new one that resumes after the last cursor.
    try {
      client = await options.connect(options.signal);
      options.onStatus?.('connected');
      const query: JournalQuery = cursor ? { ...options.query, lines: undefined, afterCursor: cursor } : options.query;
      await streamOnce(client, followCommand(query), options.signal, (entries) => {
        const last = entries[entries.length - 1];
        if (last) cursor = last.cursor;
        delay = initialMs;
        options.onEntries(entries);
      });
      if (options.signal.aborted) return;
      options.onStatus?.('reconnecting');
    } catch (error) {
      if (options.signal.aborted || isCancelled(error)) return;
      if (!isTransient(error)) throw error;
      options.onStatus?.('reconnecting', error);
    } finally {
      if (!options.shared) client?.end();
    }
    await abortableSleep(delay, options.signal);
    delay = Math.min(maxMs, delay * 2);
  }
}

/** Runs the follow command on one connection until the channel or the connection ends. */
async function streamOnce(client: Client, command: string, signal: AbortSignal, onEntries: (entries: JournalEntry[]) => void): Promise<void> {
  // Entries arrive whole only after their blank line; a partial one waits in the parser and is read again
  // after the cursor on the next connection, so nothing repeats.
  const parser = new JournalExportParser();
  await streamChannel(client, command, signal, (stream, chunk) => {
    if (stream !== 'stdout') return;
    const entries = parser.push(chunk);
    if (entries.length > 0) onEntries(entries);
  });
}

/**
 * Runs `command` on one connection (a follow's attempt) until its channel or the connection ends; resolves
 * with the command's exit status (undefined when the channel or connection went away first, or on abort).
 * Listeners live for this attempt only (a long follow reconnects many times on one signal). Nothing reaches
 * `onData` once the attempt is over or the caller stopped, and a throwing `onData` ends the attempt: it must
 * never throw into ssh2's parser, which would kill a shared connection.
 */
export function streamChannel(client: Client, command: string, signal: AbortSignal, onData: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): Promise<{ exitCode: number | undefined }> {
  return new Promise((resolve, reject) => {
    let open: ClientChannel | undefined;
    let exitCode: number | undefined;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      client.removeListener('close', onClose);
      client.removeListener('error', onError);
      if (error === undefined) resolve({ exitCode });
      else reject(error instanceof Error ? error : new Error('The SSH connection failed.'));
    };
    const onClose = () => finish();
    const onError = (error: Error) => finish(droppedError(error));
    const onAbort = () => {
      open?.end();
      finish();
    };
    const receive = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (settled || signal.aborted) return;
      try {
        onData(stream, chunk);
      } catch (error) {
        open?.end();
        finish(callbackError(error));
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    client.once('close', onClose);
    client.once('error', onError);
    const started = execOrDisconnected(client, command, (error, channel) => {
      if (error) {
        finish(droppedError(error));
        return;
      }
      open = channel;
      if (settled || signal.aborted) {
        channel.end();
        finish();
        return;
      }
      channel.on('data', receive('stdout'));
      channel.stderr.on('data', receive('stderr'));
      channel.on('exit', (code: number | null) => {
        if (typeof code === 'number') exitCode = code;
      });
      channel.on('close', () => finish());
    });
    if (started !== undefined) finish(started);
  });
}

/**
 * The connection failed under a follow (a socket error, a keepalive timeout, a channel that would not open):
 * `ssh/disconnected`, which the follows retry.
 */
export function droppedError(error: Error): SshError {
  return new SshError('ssh/disconnected', `The SSH connection dropped (${error.message}).`, { cause: error });
}

/** What a follow's own callback threw, as an Error for the attempt's rejection. */
export function callbackError(error: unknown): Error {
  return error instanceof Error ? error : new Error(`The log callback failed: ${String(error)}`);
}

/**
 * `client.exec`, except that ssh2's synchronous `Not connected` (the socket ended, `close` not yet emitted)
 * comes back as an `ssh/disconnected` error instead of a throw, for the caller's normal settle path.
 */
export function execOrDisconnected(client: Client, command: string, callback: (error: Error | undefined, channel: ClientChannel) => void): SshError | undefined {
  try {
    client.exec(command, callback);
    return undefined;
  } catch (error) {
    return new SshError('ssh/disconnected', `The SSH connection closed before the remote command could start (${error instanceof Error ? error.message : String(error)}).`, { cause: error });
  }
}
