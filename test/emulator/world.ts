import { InternalIpAllocator, NatIpAllocator } from './addresses';
import { Faults } from './faults';
import { Ids } from './ids';
import { Lifecycle } from './lifecycle';
import { Operations } from './operations';
import { OsLoginDirectory } from './osLogin';
import { Random } from './random';
import { RequestLog } from './requestLog';
import { Rollout } from './rollout';
import { Scheduler } from './scheduler';
import { ProjectRegistry, ProjectState } from './state';
import { computeTimestamp } from './time';
import type { VmHost } from './vmHost';
import { ZoneCatalogue } from './zones';

export interface WorldOptions {
  host?: VmHost;
  natIpBase?: string;
  stepMs: number;
  manualClock: boolean;
  waitTimeoutMs: number;
  randomSeed: number;
  strictProjects: boolean;
  onError: (error: unknown) => void;
}

/** Everything one emulator instance owns; passed to the route modules instead of module-level state. */
export class World {
  readonly random: Random;
  readonly ids: Ids;
  readonly faults = new Faults();
  readonly requests = new RequestLog();
  readonly zones = new ZoneCatalogue();
  readonly natIps: NatIpAllocator;
  readonly internalIps = new InternalIpAllocator();
  readonly scheduler: Scheduler;
  readonly operations: Operations;
  readonly projects: ProjectRegistry;
  readonly lifecycle: Lifecycle;
  readonly rollout: Rollout;
  /** OS Login profiles (served at `/v1/users/…`). */
  readonly osLogin = new OsLoginDirectory();
  readonly host: VmHost | undefined;
  readonly waitTimeoutMs: number;
  private readonly onError: (error: unknown) => void;

  constructor(options: WorldOptions) {
    this.random = new Random(options.randomSeed);
    this.ids = new Ids(this.random);
    this.natIps = new NatIpAllocator(options.natIpBase);
    this.host = options.host;
    this.waitTimeoutMs = options.waitTimeoutMs;
    this.onError = options.onError;
    this.scheduler = new Scheduler({ stepMs: options.stepMs, manual: options.manualClock, onError: options.onError });
    this.operations = new Operations({ ids: this.ids, scheduler: this.scheduler, faults: this.faults, now: () => this.now() });
    this.projects = new ProjectRegistry((name) => {
      // Project numbers are 12 digits; ids of other resources are 19.
      const number = String(100_000_000_000 + this.random.int(900_000_000_000));
      return new ProjectState(name, number, computeTimestamp(this.now()));
    }, options.strictProjects);
    this.lifecycle = new Lifecycle(this);
    this.rollout = new Rollout(this);
  }

  now(): number {
    return Date.now();
  }

  reportHostError(error: unknown): void {
    this.onError(error);
  }
}
