/**
 * Copying files to and from a VM over the shared SSH connection with SFTP `fastPut`/`fastGet` (parallel
 * reads and writes, like OpenSSH's sftp; gce-api-notes.md §6). Both directions write a hidden temp file next
 * to the target and rename it when complete, so a cancelled or failed copy leaves no partial file and never
 * clobbers what was there.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { Client, SFTPWrapper, Stats as SftpStats } from 'ssh2';
import { CancelledError, SshError, throwIfAborted } from '../errors';

export interface TransferOptions {
  /** Bytes copied so far (never decreasing) and the file size; the last call has `transferred === total`. */
  onProgress?: (transferred: number, total: number) => void;
  /** Aborting closes the SFTP session; the promise rejects with CancelledError. */
  signal?: AbortSignal;
}

/**
 * Copies a local file to `remotePath` on the VM. It goes to a hidden temp file next to the target first and
 * is renamed over it only when complete, so a cancelled or failed upload never truncates what was there.
 */
export async function uploadFile(client: Client, localPath: string, remotePath: string, options: TransferOptions = {}): Promise<void> {
  const what = `Uploading ${localPath} to ${remotePath}`;
  throwIfAborted(options.signal, what);
  let stats: Stats;
  try {
    stats = await fs.stat(localPath);
  } catch (error) {
    throw localError(error, localPath, 'read');
  }
  if (!stats.isFile()) throw new SshError('ssh/command-failed', `Cannot upload ${localPath}: it is not a file.`);
  const partial = path.posix.join(path.posix.dirname(remotePath), `.${path.posix.basename(remotePath)}.${randomBytes(4).toString('hex')}.part`);
  const explain = (error: unknown) => (isSftpError(error) ? remoteError(error, remotePath, 'write') : localError(error, localPath, 'read'));
  try {
    await withSftp(client, what, options.signal, async (sftp) => {
      await transfer((step, done) => sftp.fastPut(localPath, partial, { fileSize: stats.size, step }, done), stats.size, options);
      await renameOver(sftp, partial, remotePath);
    }, explain);
  } catch (error) {
    // The session that wrote it may be gone (a cancel ends it): remove the temp file through a new one.
    await withSftp(client, what, undefined, (sftp) => new Promise<void>((resolve) => sftp.unlink(partial, () => resolve())), explain).catch(() => undefined);
    throw error;
  }
}

/** Replaces `to` with `from` in one step where OpenSSH allows it (posix-rename), else removes `to` first. */
function renameOver(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    try {
      sftp.ext_openssh_rename(from, to, done);
    } catch {
      // Not an OpenSSH server: plain SFTP rename refuses an existing target.
      sftp.unlink(to, () => sftp.rename(from, to, done));
    }
  });
}

/** Copies `remotePath` from the VM to a local file (replacing it only once the copy is complete). */
export async function downloadFile(client: Client, remotePath: string, localPath: string, options: TransferOptions = {}): Promise<void> {
  const what = `Downloading ${remotePath} to ${localPath}`;
  throwIfAborted(options.signal, what);
  const partial = path.join(path.dirname(localPath), `.${path.basename(localPath)}.${randomBytes(4).toString('hex')}.part`);
  try {
    await withSftp(client, what, options.signal, async (sftp) => {
      const attrs = await new Promise<SftpStats>((resolve, reject) => sftp.stat(remotePath, (error, stats) => (error ? reject(error) : resolve(stats))));
      if (!attrs.isFile()) throw new SshError('ssh/command-failed', `Cannot download ${remotePath}: it is not a file on the VM.`);
      await transfer((step, done) => sftp.fastGet(remotePath, partial, { fileSize: attrs.size, step }, done), attrs.size, options);
      // fastGet writes nothing for an empty file.
      if (attrs.size === 0) await fs.writeFile(partial, '');
    }, (error) => (isSftpError(error) ? remoteError(error, remotePath, 'read') : localError(error, localPath, 'write')));
    try {
      await fs.rename(partial, localPath);
    } catch (error) {
      throw localError(error, localPath, 'write');
    }
  } catch (error) {
    // On Windows a file fastGet still holds open cannot be removed yet; it is hidden and named .part.
    await fs.rm(partial, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Opens an SFTP session for `work`, closes it after, and turns SDK errors into one sentence each. */
async function withSftp(client: Client, what: string, signal: AbortSignal | undefined, work: (sftp: SFTPWrapper) => Promise<void>, explain: (error: unknown) => Error): Promise<void> {
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
    try {
      client.sftp((error, session) => (error ? reject(new SshError('ssh/command-failed', `${what}: the VM refused an SFTP session (${error.message}).`, { cause: error })) : resolve(session)));
    } catch (error) {
      // ssh2 throws `Not connected` when the socket has ended but `close` has not been emitted yet.
      reject(new SshError('ssh/disconnected', `${what}: the SSH connection has closed (${error instanceof Error ? error.message : String(error)}).`, { cause: error }));
    }
  });
  // Ending the session fails every request in flight, which ends fastPut/fastGet with an error.
  const onAbort = () => sftp.end();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) throw new CancelledError(what);
    await work(sftp);
  } catch (error) {
    if (signal?.aborted) throw new CancelledError(what);
    if (error instanceof SshError) throw error;
    throw explain(error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    sftp.end();
  }
}

type Step = (transferred: number, chunk: number, total: number) => void;

/** After a cancel, how long fastPut/fastGet get to notice that their session is gone. */
const cancelGraceMs = 2_000;

function transfer(start: (step: Step, done: (error?: Error | null) => void) => void, size: number, options: TransferOptions): Promise<void> {
  let reported = -1;
  const report = (transferred: number) => {
    if (transferred <= reported) return;
    reported = transferred;
    options.onProgress?.(transferred, size);
  };
  return new Promise((resolve, reject) => {
    const { signal } = options;
    let timer: NodeJS.Timeout | undefined;
    // Ending the session fails the requests in flight, which normally ends fastPut/fastGet. But a request
    // it makes after the channel has closed is queued and never answered (ssh2 1.17 SFTP.js
    // cleanupRequests runs once), so a cancel does not wait for it forever.
    const onAbort = () => {
      timer = setTimeout(() => reject(new CancelledError('The file transfer')), cancelGraceMs);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    start(
      (transferred) => {
        if (!signal?.aborted) report(transferred);
      },
      (error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          reject(error);
          return;
        }
        report(size);
        resolve();
      },
    );
  });
}

/** SFTP status errors carry a numeric code (SSH_FX_*); local fs errors a string one (ENOENT). */
function isSftpError(error: unknown): error is Error & { code: number } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}

function remoteError(error: Error & { code: number }, remotePath: string, access: 'read' | 'write'): SshError {
  const verb = access === 'read' ? 'download' : 'upload';
  const reason =
    error.code === 2 // SSH_FX_NO_SUCH_FILE
      ? access === 'read'
        ? `${remotePath} does not exist on the VM`
        : `the folder ${path.posix.dirname(remotePath)} does not exist on the VM`
      : error.code === 3 // SSH_FX_PERMISSION_DENIED
        ? `permission denied on the VM for ${remotePath} (try a folder your user owns, such as your home)`
        : error.code === 4 // SSH_FX_FAILURE: a folder in the way, a full disk, …
          ? `the VM could not ${access} ${remotePath} (${error.message})`
          : `${remotePath}: ${error.message}`;
  return new SshError('ssh/command-failed', `Cannot ${verb} ${remotePath}: ${reason}.`, { cause: error });
}

function localError(error: unknown, localPath: string, access: 'read' | 'write'): SshError {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  // Neither an SFTP status nor an errno: the connection went away mid-copy.
  if (code === undefined && /No response from server|not connected|closed/i.test(message)) {
    return new SshError('ssh/disconnected', `The connection to the VM closed while copying ${localPath}.`, { cause: error });
  }
  if (access === 'read') {
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : message;
    return new SshError('ssh/command-failed', `Cannot upload ${localPath}: ${reason}.`, { cause: error });
  }
  const reason =
    code === 'ENOENT' ? `the folder ${path.dirname(localPath)} does not exist` : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOSPC' ? 'the disk is full' : code === 'EISDIR' ? 'it is a folder' : message;
  return new SshError('ssh/command-failed', `Cannot save the download to ${localPath}: ${reason}.`, { cause: error });
}
