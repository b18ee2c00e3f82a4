import type { FaultMatch, OperationFault } from './faults';
import type { LoggedRequest } from './requestLog';
import { findVm } from './scopes';
import { seed, type SeedOptions } from './seed';
import { listen, portOf } from './httpServer';
import type { VmHost, VmIo } from './vmHost';
import { World } from './world';

export interface EmulatorOptions {
  /** 0 or omitted: any free port. */
  port?: number;
  /** Makes instances real (sshd, journal, containers); without one the emulator writes console text itself. */
  host?: VmHost;
  /** First natIP handed out; default 127.0.10.1, then .2, … (skipping .0 and .255). */
  natIpBase?: string;
  /** Duration of one state-machine step (PENDING→RUNNING, STAGING→RUNNING, …); default 100 ms. */
  stepMs?: number;
  /** Nothing advances until `advance()` or `settle()`: for tests that look at intermediate states. */
  manualClock?: boolean;
  /** How long `operations.wait` blocks at most (Google: about 2 minutes); default 30 s. */
  waitTimeoutMs?: number;
  /** Unknown projects answer 404 until `createProject`; by default every project exists on first use. */
  strictProjects?: boolean;
  /** Seeds ids, fingerprints and member names so runs repeat. */
  randomSeed?: number;
  /** Host hook failures and unexpected errors; default: one line on stderr. */
  onError?: (error: unknown) => void;
}

export interface EmulatorFaults {
  /** The next `count` API requests (optionally only matching ones) get this status with Google's body. */
  failNext(count: number, status: 429 | 503, match?: FaultMatch): void;
  /** Added to every API request. */
  latencyMs: number;
  /** The next operation ends DONE with `error.errors[0] = {code, message}` (default code QUOTA_EXCEEDED, HTTP 403). */
  failNextOperation(message: string, code?: string): void;
  reset(): void;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT`; clients use apiEndpoint 127.0.0.1, this port and protocol 'http'. */
  url: string;
  port: number;
  /** Adds instances directly in their final state (no operations, no host hooks). */
  seed(options: SeedOptions): void;
  createProject(project: string): void;
  faults: EmulatorFaults;
  /** The last API requests (method, path below /compute/v1/, query, status): count pages and retries. */
  requests(): readonly LoggedRequest[];
  clearRequests(): void;
  /** Writes into an instance's serial port / guest attributes as a host would. */
  instanceIo(project: string, zone: string, instance: string): VmIo;
  /** One step of every pending state machine (with `manualClock`, the way to see STAGING, RECREATING, …). */
  advance(): Promise<void>;
  /** Advance all pending operations / rolling updates to completion (tests use it to avoid sleeping). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export type { FaultMatch, LoggedRequest, OperationFault, SeedOptions };

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const world = new World({
    ...(options.host ? { host: options.host } : {}),
    ...(options.natIpBase ? { natIpBase: options.natIpBase } : {}),
    stepMs: options.stepMs ?? 100,
    manualClock: options.manualClock ?? false,
    waitTimeoutMs: options.waitTimeoutMs ?? 30_000,
    randomSeed: options.randomSeed ?? Date.now(),
    strictProjects: options.strictProjects ?? false,
    onError: options.onError ?? ((error: unknown) => process.stderr.write(`compute emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)),
  });
  const server = await listen(world, options.port ?? 0);
  const port = portOf(server);
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seed: (seedOptions) => seed(world, seedOptions),
    createProject: (project) => void world.projects.create(project),
    faults: world.faults,
    requests: () => world.requests.list(),
    clearRequests: () => world.requests.clear(),
    instanceIo: (project, zone, instance) => world.lifecycle.io(findVm(world, project, zone, instance)),
    advance: () => world.scheduler.advance(),
    settle: () => world.scheduler.settle(),
    close: () => {
      closed ??= (async () => {
        // Finish in-flight work at full speed (host hooks included) before the host and server go.
        await world.scheduler.close();
        await options.host?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closed;
    },
  };
}
