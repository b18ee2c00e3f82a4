/**
 * The real services of DESIGN §5, each started by us, bound to loopback, and stopped by its PID:
 * dockerd (own socket and data root), the distribution registry with htpasswd auth, OpenSSH sshd,
 * and journal files written by systemd-journal-remote.
 */
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { canConnect, freePort, run, waitFor, type ProcessGroup } from './processes';

export interface DockerService {
  /** `unix:///…/docker.sock` */
  host: string;
  socketPath: string;
}

export async function startDocker(group: ProcessGroup): Promise<DockerService> {
  const dir = path.join(group.runDir, 'd');
  mkdirSync(dir, { recursive: true });
  const socketPath = path.join(dir, 'docker.sock');
  group.spawn('dockerd', 'dockerd', [
    `--host=unix://${socketPath}`,
    `--data-root=${path.join(dir, 'data')}`,
    `--exec-root=${path.join(dir, 'x')}`,
    `--pidfile=${path.join(dir, 'docker.pid')}`,
    // No bridge, NAT or iptables rules: nothing outside loopback, nothing shared with another engine.
    '--bridge=none',
    '--iptables=false',
    '--ip6tables=false',
    '--ip-masq=false',
    '--userland-proxy=false',
    '--log-level=warn',
    // Stop containers quickly on shutdown (busybox as PID 1 ignores SIGTERM), and give dockerd the time
    // to do it: killed earlier, it would leave containerd shims and containers behind.
    '--shutdown-timeout=2',
  ], { graceMs: 30_000 });
  await waitFor('dockerd', () => pingDocker(socketPath), 60_000, () => group.logOf('dockerd'));
  return { host: `unix://${socketPath}`, socketPath };
}

function pingDocker(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(socketPath)) {
      resolve(false);
      return;
    }
    const request = http.get({ socketPath, path: '/_ping' }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
  });
}

export interface RegistryService {
  /** `127.0.0.1:PORT`, usable as an image reference prefix. */
  address: string;
  username: string;
  password: string;
}

/** `port`: a fixed port (the playground's examples name 127.0.0.1:5000); default a free one. */
export async function startRegistry(group: ProcessGroup, options: { port?: number } = {}): Promise<RegistryService> {
  const dir = path.join(group.runDir, 'registry');
  mkdirSync(path.join(dir, 'storage'), { recursive: true });
  const port = options.port ?? (await freePort());
  const username = 'cosvm';
  const password = randomBytes(12).toString('hex');
  writeFileSync(path.join(dir, 'htpasswd'), await run('htpasswd', ['-Bbn', username, password]));
  const config = path.join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: warn }',
      `storage: { filesystem: { rootdirectory: ${path.join(dir, 'storage')} }, delete: { enabled: true } }`,
      `http: { addr: "127.0.0.1:${port}", secret: "${randomBytes(16).toString('hex')}" }`,
      `auth: { htpasswd: { realm: cosvm, path: ${path.join(dir, 'htpasswd')} } }`,
      '',
    ].join('\n'),
  );
  group.spawn('registry', 'docker-registry', ['serve', config]);
  await waitFor('the registry', () => canConnect(port), 30_000, () => group.logOf('registry'));
  return { address: `127.0.0.1:${port}`, username, password };
}

export interface SshdService {
  host: string;
  port: number;
  username: string;
  /** The client key sshd accepts (OpenSSH format). */
  privateKey: string;
  privateKeyPath: string;
  /** `SHA256:…` fingerprint of the server's ed25519 host key. */
  hostKeyFingerprint: string;
  hostPublicKey: string;
  authorizedKeysPath: string;
  /**
   * Stops sshd and its connections, as a reboot of the VM would, and starts it again on the same address
   * with the same host key.
   */
  restart(): Promise<void>;
}

/** sshd settings every test sshd shares: keys only, no PAM, forwarding and SFTP on. */
export const sshdCommonConfig: readonly string[] = [
  'UsePAM no',
  'PasswordAuthentication no',
  'KbdInteractiveAuthentication no',
  'PermitRootLogin prohibit-password',
  // The key files live in a temp dir that sshd's ownership checks would reject.
  'StrictModes no',
  'AllowTcpForwarding yes',
  'Subsystem sftp internal-sftp',
  'LogLevel VERBOSE',
];

/** An OpenSSH sshd on its own 127.0.0.N address, as one emulated VM has. */
export async function startSshd(group: ProcessGroup, name = 'sshd', host = randomLoopbackAddress()): Promise<SshdService> {
  const dir = path.join(group.runDir, name);
  mkdirSync(dir, { recursive: true });
  // OpenSSH's privilege separation directory must exist when sshd runs as root.
  mkdirSync('/run/sshd', { recursive: true });
  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  const clientKey = path.join(dir, 'client_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}-host`, '-f', hostKey]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cosvm-test', '-f', clientKey]);
  const authorizedKeysPath = path.join(dir, 'authorized_keys');
  writeFileSync(authorizedKeysPath, await readText(`${clientKey}.pub`), { mode: 0o600 });
  const port = await freePort(host);
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${host}:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeysPath}`,
      ...sshdCommonConfig,
      '',
    ].join('\n'),
  );
  const start = async () => {
    // sshd -e logs to stderr only; two pipes into one log file race at exit (write after end).
    const started = group.spawn(name, '/usr/sbin/sshd', ['-f', config, '-D', '-e'], { stdio: ['ignore', 'ignore', 'pipe'] });
    await waitFor(name, () => canConnect(port, host), 20_000, () => group.logOf(name));
    return started;
  };
  let daemon = await start();
  const hostPublicKey = (await readText(`${hostKey}.pub`)).trim();
  const fingerprint = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`])).split(/\s+/)[1] ?? '';
  return {
    host,
    port,
    username: os.userInfo().username,
    privateKey: await readText(clientKey),
    privateKeyPath: clientKey,
    hostKeyFingerprint: fingerprint,
    hostPublicKey,
    authorizedKeysPath,
    async restart() {
      // The per-connection processes are children of the listener; a plain SIGTERM would leave them running.
      await stopTree(daemon.child);
      daemon = await start();
    },
  };
}

/** SIGKILLs a process we started and its descendants (found through /proc), and waits until it exits. */
async function stopTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const descendants = (pid: number): number[] => {
    let children: number[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
    } catch {
      // already gone
    }
    return children.flatMap((c) => [c, ...descendants(c)]);
  };
  for (const pid of [child.pid, ...descendants(child.pid)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await exited;
}

function randomLoopbackAddress(): string {
  const bytes = randomBytes(2);
  return `127.0.${bytes[0] ?? 0}.${2 + ((bytes[1] ?? 0) % 250)}`;
}

async function readText(file: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8');
}

export interface JournalRecord {
  unit: string;
  message: string;
  priority?: number;
  /** Microseconds since the epoch. */
  realtimeUsec?: bigint;
}

/** Writes entries into DIR/<name>.journal through the real systemd-journal-remote. */
export async function writeJournal(directory: string, name: string, records: readonly JournalRecord[]): Promise<string> {
  mkdirSync(directory, { recursive: true });
  const bootId = randomBytes(16).toString('hex');
  const start = BigInt(Date.now()) * 1000n;
  const text = records
    .map((record, index) => {
      const usec = record.realtimeUsec ?? start + BigInt(index);
      return [
        `__REALTIME_TIMESTAMP=${usec}`,
        `__MONOTONIC_TIMESTAMP=${1_000_000 + index}`,
        `_BOOT_ID=${bootId}`,
        `_SYSTEMD_UNIT=${record.unit}`,
        `SYSLOG_IDENTIFIER=${record.unit.replace(/\.service$/, '')}`,
        `PRIORITY=${record.priority ?? 6}`,
        `_HOSTNAME=${name}`,
        `MESSAGE=${record.message}`,
        '',
        '',
      ].join('\n');
    })
    .join('');
  const file = path.join(directory, `${name}.journal`);
  await run('/lib/systemd/systemd-journal-remote', ['-o', file, '-'], { input: text });
  return file;
}
