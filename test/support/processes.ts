/**
 * Starts helper processes for tests and the playground, and stops exactly those, by PID, when the run
 * ends. Nothing here ever looks for or signals a process it did not start.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Started {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** How long it may take to stop after SIGTERM before SIGKILL. */
  graceMs: number;
}

export class ProcessGroup {
  private readonly started: Started[] = [];
  readonly runDir: string;

  constructor(prefix = 'cosvm-') {
    // Short path: dockerd's containerd socket lives below it, and unix socket paths are limited to 108 bytes.
    this.runDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  }

  /** Spawns a process with its output in RUN/<name>.log. */
  spawn(name: string, command: string, args: readonly string[], { graceMs = 5_000, ...options }: SpawnOptions & { graceMs?: number } = {}): Started {
    const logFile = path.join(this.runDir, `${name}.log`);
    const log = createWriteStream(logFile);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    // Both streams write one file: neither may end it (stdout often ends first, and a late stderr line then threw
    // "write after end"); it ends once the process and both of its streams have closed.
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('close', () => log.end());
    const entry = { name, child, logFile, graceMs };
    this.started.push(entry);
    return entry;
  }

  logOf(name: string): string {
    const entry = this.started.find((s) => s.name === name);
    try {
      return entry ? readFileSync(entry.logFile, 'utf8') : '';
    } catch {
      return '';
    }
  }

  /**
   * Stops everything this group started, all at once: close its stdin (readers of stdin, such as
   * systemd-journal-remote, only act on a signal once their input ends), SIGTERM, then SIGKILL after a
   * grace period. A terminal's Ctrl-C may already have signalled them; that is fine.
   */
  async stopAll(): Promise<void> {
    const running = this.started.splice(0).filter(({ child }) => child.exitCode === null && child.signalCode === null);
    await Promise.all(
      running.map(async ({ child, graceMs }) => {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.stdin?.end();
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  /** Removes the run directory, first unmounting what our own daemons mounted inside it (dockerd's netns). */
  async removeRunDir(): Promise<void> {
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' ') ?? '')
      .filter((mountPoint) => mountPoint.startsWith(`${this.runDir}/`))
      .sort((a, b) => b.length - a.length);
    for (const mountPoint of mounts) spawnSync('umount', ['-l', mountPoint]);
    await rm(this.runDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** A TCP port that was free on `host` a moment ago. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000, describe?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.${describe ? `\n${describe()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs a command to completion and returns stdout; rejects with stderr on failure. */
export function run(command: string, args: readonly string[], options: SpawnOptions & { input?: string | Buffer } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString());
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${Buffer.concat(err).toString()}`));
    });
    child.stdin?.end(options.input);
  });
}
