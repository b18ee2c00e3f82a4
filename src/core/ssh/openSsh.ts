/**
 * Tunnels carried by the OpenSSH client, as VS Code's Remote-SSH carries its forwards. One `ssh -M` master per
 * instance holds the connection; each accepted local socket is handed, unread, to a short-lived `ssh -W` mux
 * client as its stdin and stdout, which passes the descriptor to the master (SCM_RIGHTS). The master then reads
 * and writes the socket itself, so the bytes never cross our process: throughput is OpenSSH's (bench/tunnel.ts;
 * pure-JS ssh2 reaches ~0.7× of it). Host-key trust, keys and OS Login stay ours: the master runs with our key,
 * our known_hosts (aliases `compute.<id>`, knownHosts.ts) and `StrictHostKeyChecking=yes`, never a prompt.
 * Not on Windows, whose OpenSSH has no connection multiplexing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { CancelledError, SshError, throwIfAborted } from '../errors';
import type { SessionConnection } from './session';
import type { TunnelTransport } from './tunnel';

export interface OpenSshTarget {
  host: string;
  port: number;
  username: string;
  /** An OpenSSH private key file (mode 0600, or ssh refuses it). */
  privateKeyPath: string;
  /** Our known_hosts, holding the VM's keys under `hostKeyAlias`. */
  knownHostsFile: string;
  hostKeyAlias: string;
}

/** Printed by the master (LocalCommand) once it is connected, its forwards set up and its control socket listening. */
const readyMarker = 'cosvm-openssh-master-ready';

/** The cipher order: aes128-gcm first, OpenSSH's fastest here (reference/peer-measurements.md §2), then its defaults. */
const ciphers = 'aes128-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr';

/** No user or system config, never a prompt: everything the connection does is said here. */
function commonArgs(controlPath: string): string[] {
  return ['-F', '/dev/null', '-S', controlPath, '-o', 'BatchMode=yes'];
}

/**
 * A path as the value of `-o Key=value`: ssh splits option values at whitespace unless double-quoted (a macOS
 * storage path has "Application Support" in it). A path with a double quote cannot be written at all.
 */
function quotedPath(file: string): string {
  if (file.includes('"')) throw new SshError('ssh/connect-failed', `OpenSSH cannot use the path ${file}: it contains a double quote.`);
  return `"${file}"`;
}

export function masterArgs(target: OpenSshTarget, controlPath: string): string[] {
  return [
    ...commonArgs(controlPath),
    '-M',
    '-N',
    '-o', 'ControlPersist=no',
    '-o', 'IdentitiesOnly=yes',
    '-i', target.privateKeyPath,
    '-o', `UserKnownHostsFile=${quotedPath(target.knownHostsFile)}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', `HostKeyAlias=${target.hostKeyAlias}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'CheckHostIP=no',
    '-o', 'UpdateHostKeys=no',
    '-o', 'ConnectTimeout=20',
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=3',
    '-o', `Ciphers=${ciphers}`,
    '-o', 'PermitLocalCommand=yes',
    '-o', `LocalCommand=echo ${readyMarker}`,
    '-p', String(target.port),
    '-l', target.username,
    '--',
    target.host,
  ];
}

/**
 * One forwarded connection through the master. If the master is gone, ssh would fall back to connecting on its
 * own; `ProxyCommand=false` makes that fallback fail at once instead.
 */
export function muxForwardArgs(controlPath: string, remoteHost: string, remotePort: number): string[] {
  return [...commonArgs(controlPath), '-o', 'ControlMaster=no', '-o', 'ProxyCommand=false', '-W', `${remoteHost}:${remotePort}`, 'cosvm-mux'];
}

let found: Promise<boolean> | undefined;

/** Whether an OpenSSH client with connection multiplexing can run here (`ssh -V` succeeds, not Windows). */
export function openSshAvailable(ssh = 'ssh'): Promise<boolean> {
  if (process.platform === 'win32') return Promise.resolve(false);
  const probe = () =>
    new Promise<boolean>((resolve) => {
      const child = spawn(ssh, ['-V'], { stdio: 'ignore' });
      child.once('error', () => resolve(false));
      child.once('exit', (code) => resolve(code === 0));
    });
  if (ssh !== 'ssh') return probe();
  return (found ??= probe());
}

/** What an OpenSSH failure means, from its stderr (it has no other channel for it). */
export function openSshError(stderr: string, where: string): SshError {
  const detail = stderr.trim().split(/\r?\n/).filter(Boolean).slice(-3).join(' ');
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key for .* has changed/i.test(stderr)) {
    const presented = /(SHA256:[A-Za-z0-9+/=]+)/.exec(stderr)?.[1];
    return new SshError('ssh/host-key-mismatch', `The host key of ${where}${presented ? ` (${presented})` : ''} does not match the one we trust; refusing to connect.`);
  }
  if (/Permission denied/.test(stderr)) return new SshError('ssh/auth-failed', `${where} refused the SSH key.`);
  if (/Connection refused/.test(stderr)) return new SshError('ssh/port-closed', `Nothing answers on the SSH port of ${where}: sshd is not running yet, or a firewall rule rejects it.`);
  if (/timed out|No route to host|Network is unreachable|Connection closed|Connection reset|kex_exchange_identification|Broken pipe/i.test(stderr)) {
    return new SshError('ssh/connect-failed', `Could not connect to ${where}: ${detail}`);
  }
  return new SshError('ssh/command-failed', `OpenSSH could not connect to ${where}: ${detail || 'it exited without saying why'}`);
}

/**
 * A running `ssh -M` master. It is a session connection (session.ts): `close` when the process exits, `end()`
 * stops it; SshSession reconnects it with backoff as it does an ssh2 client.
 */
export class OpenSshMaster extends EventEmitter implements SessionConnection {
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly controlPath: string,
    private readonly ssh: string,
  ) {
    super();
  }

  /** Starts a master; resolves once it is connected and accepts mux clients. */
  static start(target: OpenSshTarget, options: { controlPath: string; ssh?: string; signal?: AbortSignal; onLog?: (line: string) => void }): Promise<OpenSshMaster> {
    throwIfAborted(options.signal, 'The SSH connection');
    const ssh = options.ssh ?? 'ssh';
    const where = `${target.username}@${target.host}:${target.port}`;
    const child = spawn(ssh, masterArgs(target, options.controlPath), { stdio: ['ignore', 'pipe', 'pipe'] });
    const master = new OpenSshMaster(child, options.controlPath, ssh);
    let stderr = '';
    let ready = false;
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      if (!ready) stderr += text;
      else for (const line of text.split(/\r?\n/).filter(Boolean)) options.onLog?.(line);
    });
    return new Promise<OpenSshMaster>((resolve, reject) => {
      let stdout = '';
      const onAbort = () => {
        child.kill();
        reject(new CancelledError('The SSH connection'));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout?.setEncoding('utf8').on('data', (text: string) => {
        stdout += text;
        if (ready || !stdout.includes(readyMarker)) return;
        ready = true;
        options.signal?.removeEventListener('abort', onAbort);
        resolve(master);
      });
      child.once('error', (error) => {
        options.signal?.removeEventListener('abort', onAbort);
        reject(new SshError('ssh/connect-failed', `Could not run OpenSSH (${ssh}): ${error.message}`, { cause: error }));
      });
      child.once('exit', () => {
        master.exited = true;
        options.signal?.removeEventListener('abort', onAbort);
        if (!ready) reject(openSshError(stderr, where));
        master.emit('close');
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  end(): void {
    if (!this.exited) this.child.kill();
  }

  /** True while the master answers on its control socket (a connect, nothing sent). */
  isAlive(): Promise<boolean> {
    if (this.exited) return Promise.resolve(false);
    return new Promise((resolve) => {
      const probe = net.connect(this.controlPath);
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
  }

  /**
   * Hands `socket` (accepted paused, never read) to a mux client bound for `remoteHost:remotePort` on the VM.
   * Resolves when that connection is over, rejects when it could not open; `signal` ends it early.
   */
  forward(socket: net.Socket, remoteHost: string, remotePort: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const client = spawn(this.ssh, muxForwardArgs(this.controlPath, remoteHost, remotePort), { stdio: [socket, socket, 'pipe'] });
      let stderr = '';
      client.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      const onAbort = () => client.kill();
      signal.addEventListener('abort', onAbort, { once: true });
      client.once('error', (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(new SshError('ssh/connect-failed', `Could not run OpenSSH (${this.ssh}): ${error.message}`, { cause: error }));
      });
      client.once('exit', (code) => {
        signal.removeEventListener('abort', onAbort);
        if (code === 0 || signal.aborted) resolve();
        else if (/forwarding request failed|open failed|refused by peer/i.test(stderr)) {
          reject(new SshError('ssh/port-closed', `Nothing listens on ${remoteHost}:${remotePort} on the VM (or its sshd forbids forwarding).`));
        } else if (/kex_exchange_identification|Control socket|mux_client/i.test(stderr)) {
          reject(new SshError('ssh/disconnected', `The SSH connection dropped before the forward to ${remoteHost}:${remotePort} could open.`));
        } else reject(new SshError('ssh/command-failed', `The forward to ${remoteHost}:${remotePort} failed: ${stderr.trim() || `ssh exited with ${code}`}`));
      });
    });
  }
}

/**
 * Each socket handed to the OpenSSH master `getMaster` returns. We keep our own descriptor of the socket until its
 * forward is over: closing it then sends the FIN, unless the master died, and then a reset says the stream was cut
 * (the master's exit alone would have closed it as if complete).
 */
export function openSshTransport(getMaster: (signal: AbortSignal) => Promise<OpenSshMaster>): TunnelTransport<OpenSshMaster> {
  return {
    handsOffSockets: true,
    connection: getMaster,
    async carry(master, socket, remoteHost, remotePort, signal) {
      // A forward that could not open rejects with the socket still open: the tunnel counts it and closes it.
      await master.forward(socket, remoteHost, remotePort, signal);
      if (socket.destroyed) return;
      if (await master.isAlive()) socket.destroy();
      else socket.resetAndDestroy();
    },
  };
}
