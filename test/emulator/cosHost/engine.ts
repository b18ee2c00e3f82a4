/**
 * The few things the host does to the shared test engine and its own child processes. Every call is
 * scoped: containers are touched only when they carry this instance's label, processes only when we
 * spawned them.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type Dockerode from 'dockerode';
import { instanceLabelKey } from './dockerArgs';

export interface OwnContainer {
  id: string;
  name: string;
  image: string;
}

/** This instance's containers (running or not), optionally only names starting with a prefix. */
export async function ownContainers(docker: Dockerode, instance: string, namePrefix = ''): Promise<OwnContainer[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${instanceLabelKey}=${instance}`] } });
  return list
    .map((info) => ({ id: info.Id, name: (info.Names[0] ?? '').replace(/^\//, ''), image: info.Image }))
    .filter((container) => container.name.startsWith(namePrefix));
}

/** Stops (with a grace period) and removes one of this instance's containers; a container that is not ours is left alone. */
export async function removeOwnContainer(docker: Dockerode, instance: string, nameOrId: string, stopSeconds: number): Promise<boolean> {
  const container = docker.getContainer(nameOrId);
  let labels: Record<string, string> | undefined;
  try {
    labels = (await container.inspect()).Config.Labels ?? undefined;
  } catch {
    return false;
  }
  if (labels?.[instanceLabelKey] !== instance) return false;
  try {
    await container.stop({ t: stopSeconds });
  } catch {
    // not running, or already going away (--rm)
  }
  try {
    await container.remove({ force: true });
  } catch {
    // removed by --rm meanwhile
  }
  return true;
}

export async function imageExists(docker: Dockerode, reference: string): Promise<boolean> {
  try {
    await docker.getImage(reference).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Child processes the host spawns outside the ProcessGroup (short-lived or restarted often, e.g. `docker run`). */
export class Children {
  private readonly running = new Set<ChildProcess>();

  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    child.once('error', () => this.running.delete(child));
    return child;
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when it has exited. */
  static async stop(child: ChildProcess, graceMs = 5_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(graceMs = 5_000): Promise<void> {
    await Promise.all([...this.running].map((child) => Children.stop(child, graceMs)));
  }
}

/** Resolves when a child just spawned has exited and its output streams are drained ('close', not 'exit'). */
export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: 127, signal: null }));
  });
}
