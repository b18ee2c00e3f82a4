/**
 * One cloud-init systemd unit of our renderer, run as systemd would: `docker run --rm …` in the
 * foreground (the real Docker CLI against the test engine), its stdout/stderr in the journal under the
 * unit name, systemd's own messages around it, and `Restart=`/`RestartSec=` after it exits. A missing
 * image therefore shows exactly what the VM shows: the CLI's pull error in the unit's journal, then a
 * restart every RestartSec.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type Dockerode from 'dockerode';
import type { UnitSpec } from './cloudConfig';
import { rewriteRunArgs, type ArgsRewrite } from './dockerArgs';
import { Children, exitOf, removeOwnContainer } from './engine';
import { LineSplitter } from './journal';
import type { GuestSystem } from './system';

export interface UnitContext {
  system: GuestSystem;
  docker: Dockerode;
  dockerHost: string;
  children: Children;
  rewrite: ArgsRewrite;
  /** HOME of the unit (our renderer's `Environment=HOME=/var/lib/cosvm`, under the instance root). */
  home: string;
  stopSeconds: number;
}

export class UnitRunner {
  private child: ChildProcess | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private restarts = 0;
  private containerName: string | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly context: UnitContext,
    readonly unit: UnitSpec,
  ) {}

  /** The container name on the test engine (known once the unit has started). */
  get container(): string | undefined {
    return this.containerName;
  }

  /** Starts the unit; resolves once its `docker run` is spawned (or the unit failed before that), as systemd's "Started". */
  start(): Promise<void> {
    this.stopping = false;
    return new Promise((resolve) => {
      this.running = this.run(resolve)
        .catch((error: unknown) => this.context.system.systemd(this.unit.name, `Failed to start ${this.unit.name}: ${String(error)}`, 'FAILED'))
        .finally(resolve);
    });
  }

  private async run(spawned: () => void): Promise<void> {
    const { system, children, docker, rewrite } = this.context;
    const { unit } = this;
    system.systemd(unit.name, `Starting ${unit.name} - ${unit.description}...`);
    const [program, ...args] = unit.execStart;
    if (!program || !/(^|\/)docker$/.test(program)) {
      system.systemd(unit.name, `${unit.name}: ExecStart= is not a docker command; the emulator only runs containers.`, 'FAILED');
      return;
    }
    let rewritten;
    try {
      rewritten = rewriteRunArgs(args, rewrite);
    } catch (error) {
      system.systemd(unit.name, `${unit.name}: ${(error as Error).message}`, 'FAILED');
      return;
    }
    this.containerName = rewritten.name;
    // ExecStartPre=-docker rm -f NAME: a container left over from before.
    await removeOwnContainer(docker, rewrite.instance, rewritten.name, 0);
    if (this.stopping) return;
    for (const dir of [this.context.home, ...rewritten.bindSources]) mkdirSync(dir, { recursive: true });
    const child = children.spawn('docker', rewritten.args, {
      env: { ...process.env, DOCKER_HOST: this.context.dockerHost, HOME: this.context.home },
    });
    this.child = child;
    const pid = child.pid ?? 0;
    system.systemd(unit.name, `Started ${unit.name} - ${unit.description}.`, 'OK');
    spawned();
    const invocation = { _SYSTEMD_INVOCATION_ID: randomBytes(16).toString('hex'), _EXE: '/usr/bin/docker', _CMDLINE: ['/usr/bin/docker', ...args].join(' ') };
    for (const stream of [child.stdout, child.stderr]) {
      const lines = new LineSplitter();
      const emit = (line: string) => system.serviceLine(unit.name, 'docker', pid, line, invocation);
      stream?.on('data', (chunk: Buffer) => lines.push(chunk).forEach(emit));
      stream?.on('end', () => lines.end().forEach(emit));
    }
    const { code, signal } = await exitOf(child);
    this.child = undefined;
    if (this.stopping) return;
    const failed = code !== 0;
    if (signal) system.systemd(unit.name, `${unit.name}: Main process exited, code=killed, status=${signal}`);
    else if (failed) system.systemd(unit.name, `${unit.name}: Main process exited, code=exited, status=${code ?? 0}/n/a`);
    system.systemd(unit.name, failed ? `${unit.name}: Failed with result '${signal ? 'signal' : 'exit-code'}'.` : `${unit.name}: Deactivated successfully.`);
    if (unit.restart === 'always' || (unit.restart === 'on-failure' && failed)) {
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.stopping) return;
        this.restarts += 1;
        system.systemd(unit.name, `${unit.name}: Scheduled restart job, restart counter is at ${this.restarts}.`);
        void this.start(); // the new run reports its own outcome in the journal
      }, unit.restartSec * 1000);
    }
  }

  /** ExecStop= (`docker stop`), then waits for the foreground `docker run` to end; `--rm` removes the container. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const { system, docker, rewrite, stopSeconds } = this.context;
    const child = this.child;
    if (child) system.systemd(this.unit.name, `Stopping ${this.unit.name} - ${this.unit.description}...`);
    if (this.containerName) await removeOwnContainer(docker, rewrite.instance, this.containerName, stopSeconds);
    if (child) await Children.stop(child, 5_000);
    await this.running;
    // A container created by a run that was still pulling when we stopped.
    if (this.containerName) await removeOwnContainer(docker, rewrite.instance, this.containerName, 0);
    if (child) system.systemd(this.unit.name, `Stopped ${this.unit.name} - ${this.unit.description}.`, 'OK');
  }
}
