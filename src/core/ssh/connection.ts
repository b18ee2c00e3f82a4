/**
 * One SSH connection through ssh2, with mandatory host-key verification and normalised errors.
 * ssh2 accepts any host key when no verifier is given (gce-api-notes.md §6), so `trustedHostKeys` is required;
 * when it is empty, only `onUnknownHostKey` (trust on first use, asked once per connection) can accept a key.
 */
import * as net from 'node:net';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import { CancelledError, SshError, throwIfAborted } from '../errors';
import { loadSsh2 } from '../lazyPackages';
import { hostKeyFingerprint } from './hostKey';
import { hostKeyType } from './knownHosts';

export { hostKeyType } from './knownHosts';

/** The host key a server presented, for a trust-on-first-use prompt (and for remembering it). */
export interface PresentedHostKey {
  /** `SHA256:…` */
  fingerprint: string;
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, … */
  type: string;
  /** The SSH wire blob (base64 of it is the second field of a known_hosts line). */
  blob: Buffer;
}

export interface SshTarget {
  host: string;
  port?: number;
  username: string;
  privateKey: string | Buffer;
  /** `SHA256:…` fingerprints the server may present; anything else is refused. */
  trustedHostKeys: readonly string[];
  /**
   * Asked only when `trustedHostKeys` is empty: resolve true to accept the presented key (the caller then
   * remembers it), false to refuse with `ssh/host-key-unknown`. A rejection ends the attempt with that error.
   * The handshake timeout does not run while this is pending.
   */
  onUnknownHostKey?: (presented: PresentedHostKey) => Promise<boolean>;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
}

export async function connectSsh(target: SshTarget, signal?: AbortSignal): Promise<Client> {
  throwIfAborted(signal, 'The SSH connection');
  const { Client } = await loadSsh2();
  const client = new Client();
  let presented: string | undefined;
  /** Set once the unknown-key question was asked: its answer (or error) explains a refusal. */
  let unknownAnswer: { accepted: boolean } | { error: Error } | undefined;
  let acceptedKey: string | undefined;
  /** The attempt is over (connected, failed or cancelled). */
  let settled = false;
  const askUnknown = target.trustedHostKeys.length === 0 ? target.onUnknownHostKey : undefined;
  const readyTimeoutMs = target.readyTimeoutMs ?? 20_000;
  // While the user answers, ssh2's handshake timer would fire; our own one stops for the question instead.
  let handshakeTimer: NodeJS.Timeout | undefined;
  let onHandshakeTimeout: (() => void) | undefined;
  const armHandshakeTimer = () => {
    if (askUnknown && readyTimeoutMs > 0) handshakeTimer = setTimeout(() => onHandshakeTimeout?.(), readyTimeoutMs);
  };
  const config: ConnectConfig = {
    host: target.host,
    port: target.port ?? 22,
    username: target.username,
    privateKey: target.privateKey,
    readyTimeout: askUnknown ? 0 : readyTimeoutMs,
    keepaliveInterval: target.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: 3,
    hostVerifier: (key: Buffer, verify: (valid: boolean) => void): void => {
      presented = hostKeyFingerprint(key);
      // ssh2 asks again at every re-key: a key accepted on first use stays the one trusted for this connection.
      const trusted = unknownAnswer && 'accepted' in unknownAnswer && unknownAnswer.accepted ? [...target.trustedHostKeys, acceptedKey ?? ''] : target.trustedHostKeys;
      if (!askUnknown || unknownAnswer) {
        verify(trusted.includes(presented));
        return;
      }
      const asked = presented;
      clearTimeout(handshakeTimer);
      askUnknown({ fingerprint: presented, type: hostKeyType(key), blob: Buffer.from(key) }).then(
        (accepted) => {
          unknownAnswer = { accepted };
          if (accepted) acceptedKey = asked;
          // The attempt may have ended (cancelled, or the server gone) while the user decided.
          if (settled) return;
          armHandshakeTimer();
          verify(accepted);
        },
        (error: unknown) => {
          unknownAnswer = { error: error instanceof Error ? error : new SshError('ssh/host-key-unknown', `Checking the host key failed: ${String(error)}`) };
          verify(false);
        },
      );
    },
  };
  const where = `${target.username}@${target.host}:${config.port}`;
  return new Promise<Client>((resolve, reject) => {
    // A failed attempt's client is dropped; a later error of it (a reset as its socket goes) must not be uncaught.
    const discard = () => {
      client.on('error', () => undefined);
      client.end();
    };
    const onAbort = () => {
      settled = true;
      clearTimeout(handshakeTimer);
      discard();
      reject(new CancelledError('The SSH connection'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    onHandshakeTimeout = () => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      discard();
      reject(new SshError('ssh/connect-failed', `${where} did not answer in time: check that a firewall rule allows port ${config.port} from your address.`));
    };
    armHandshakeTimer();
    client.once('ready', () => {
      settled = true;
      clearTimeout(handshakeTimer);
      signal?.removeEventListener('abort', onAbort);
      resolve(client);
    });
    client.once('error', (error: Error & { level?: string; code?: string }) => {
      settled = true;
      clearTimeout(handshakeTimer);
      signal?.removeEventListener('abort', onAbort);
      client.on('error', () => undefined);
      if (error.message.includes('Host denied') && unknownAnswer && 'error' in unknownAnswer) {
        reject(unknownAnswer.error);
      } else if (error.message.includes('Host denied') && unknownAnswer) {
        reject(new SshError('ssh/host-key-unknown', `The host key of ${where} (${presented ?? 'unknown'}) is not known and was not accepted; refusing to connect.`, { cause: error }));
      } else if (error.message.includes('Host denied')) {
        reject(
          new SshError(
            'ssh/host-key-mismatch',
            `The host key of ${where} (${presented ?? 'unknown'}) does not match the trusted key (${target.trustedHostKeys.join(', ') || 'none'}); refusing to connect.`,
            { cause: error },
          ),
        );
      } else if (error.level === 'client-authentication') {
        reject(new SshError('ssh/auth-failed', `${where} refused the SSH key.`, { cause: error }));
      } else if (error.code === 'ECONNREFUSED') {
        reject(new SshError('ssh/port-closed', `Nothing answers on port ${config.port} of ${target.host}: sshd is not running yet, or a firewall rule rejects it.`, { cause: error }));
      } else if (error.level === 'client-timeout' || error.code === 'ETIMEDOUT' || error.code === 'EHOSTUNREACH') {
        reject(new SshError('ssh/connect-failed', `${where} did not answer in time: check that a firewall rule allows port ${config.port} from your address.`, { cause: error }));
      } else {
        reject(new SshError('ssh/connect-failed', `Could not connect to ${where}: ${error.code ?? error.message}.`, { cause: error }));
      }
    });
    const socket = connectSocket(client, config.host ?? '', config.port ?? 22);
    try {
      client.connect({ ...config, sock: socket });
    } catch (error) {
      socket.destroy(); // ssh2 refused the config (a bad key…) before it took the socket over
      throw error;
    }
    // ssh2 leaves Nagle on: each handshake step then waits for a delayed ACK (~200 ms per connect here), and
    // small window-adjust packets can stall a download at ~35 MiB/s instead of ~350 (bench/tunnel.ts, logs.ts).
    // connect() has just created the socket; Node applies the option when it connects.
    client.setNoDelay(true);
  });
}

/** Size of the one buffer every read from sshd lands in (see connectSocket). */
const READ_BUFFER = 256 * 1024;

/**
 * The TCP socket ssh2 runs over, opened by us so that reads from sshd land in one reused 256 KiB buffer (`onread`)
 * instead of a freshly allocated 64 KiB one per read: fewer read syscalls, no allocation and page faults per read,
 * ~20 % less CPU per GiB downloaded through a tunnel (bench/README.md, tunnel). ssh2 parses each chunk synchronously,
 * but some of its deciphers (and the plain handshake packets) keep slices of a chunk for the next one, so a chunk
 * is handed over without a copy only while the decipher is the pure-JS AES-GCM one, which copies what it keeps
 * (ssh2 1.17 lib/protocol/crypto.js `AESGCMDecipherNative`; a rekey negotiates the same cipher). Any other (or an
 * unknown, renamed) decipher gets a copy, as with ssh2's own socket. ssh2's error handling is unchanged: it listens
 * on this socket as on its own, and waits for 'connect'.
 */
function connectSocket(client: Client, host: string, port: number): net.Socket {
  const protocol = client as unknown as { _protocol?: { _decipher?: object } };
  const socket: net.Socket = net.connect({
    host,
    port,
    onread: {
      buffer: Buffer.allocUnsafe(READ_BUFFER),
      callback: (bytes: number, buffer: Uint8Array) => {
        const chunk = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
        socket.emit('data', protocol._protocol?._decipher?.constructor.name === 'AESGCMDecipherNative' ? chunk : Buffer.from(chunk));
        return true; // keep reading; pause() and resume() still work in this mode
      },
    },
  });
  return socket;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | undefined;
}

/** Runs a command (already shell-quoted) and collects its output. */
export function runCommand(client: Client, command: string, signal?: AbortSignal): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (error, channel) => {
        if (error) {
          reject(new SshError('ssh/command-failed', `Could not start the remote command: ${error.message}`, { cause: error }));
          return;
        }
        collect(channel, signal).then(resolve, reject);
      });
    } catch (error) {
      // ssh2 throws `Not connected` when the socket has ended but `close` has not been emitted yet.
      reject(new SshError('ssh/disconnected', `Could not start the remote command: the SSH connection has closed (${error instanceof Error ? error.message : String(error)}).`, { cause: error }));
    }
  });
}

function collect(channel: ClientChannel, signal: AbortSignal | undefined): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let exitCode: number | null = null;
    let exitSignal: string | undefined;
    const onAbort = () => {
      channel.close();
      reject(new CancelledError('The remote command'));
    };
    // Aborted while the channel was opening: the listener below would never fire.
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    channel.on('exit', (code: number | null, name?: string) => {
      exitCode = code;
      exitSignal = name;
    });
    channel.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve({
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
        exitCode,
        signal: exitSignal,
      });
    });
  });
}
