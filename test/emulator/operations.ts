import { ApiError, notFound } from './apiError';
import type { Faults } from './faults';
import type { Ids } from './ids';
import type { Scheduler } from './scheduler';
import { computeTimestamp } from './time';
import { globalPath, link, regionPath, zonePath } from './urls';

/** Zonal, regional or global: decides the operation's URL, its `zone`/`region` field and which client waits. */
export type OperationScope = { kind: 'zone'; zone: string } | { kind: 'region'; region: string } | { kind: 'global' };

export interface OperationError {
  code: string;
  message: string;
}

export interface OperationResource {
  kind: 'compute#operation';
  id: string;
  name: string;
  zone?: string;
  region?: string;
  operationType: string;
  targetLink: string;
  targetId: string;
  status: 'PENDING' | 'RUNNING' | 'DONE';
  progress: number;
  user: string;
  insertTime: string;
  startTime?: string;
  endTime?: string;
  selfLink: string;
  error?: { errors: OperationError[] };
  httpErrorStatusCode?: number;
  httpErrorMessage?: string;
}

/** Thrown by an operation's work to end it DONE with this error (an asynchronous failure, §2.2). */
export class OperationFailure extends Error {
  constructor(readonly code: string, message: string, readonly httpStatus = statusForCode(code)) {
    super(message);
  }
}

const HTTP_REASONS: Record<number, string> = {
  400: 'BAD REQUEST', 403: 'FORBIDDEN', 404: 'NOT FOUND', 409: 'CONFLICT', 412: 'PRECONDITION FAILED',
  429: 'TOO MANY REQUESTS', 500: 'INTERNAL SERVER ERROR', 503: 'SERVICE UNAVAILABLE',
};

function statusForCode(code: string): number {
  switch (code) {
    case 'QUOTA_EXCEEDED': return 403;
    case 'RESOURCE_NOT_FOUND': return 404;
    case 'RESOURCE_ALREADY_EXISTS': return 409;
    case 'CONDITION_NOT_MET': return 412;
    case 'ZONE_RESOURCE_POOL_EXHAUSTED': return 503;
    case 'INTERNAL_ERROR': return 500;
    default: return 400;
  }
}

export interface OperationSpec {
  project: string;
  scope: OperationScope;
  operationType: string;
  targetLink: string;
  targetId: string;
  /** Synchronous state changes, skipped when the operation was told to fail (so a failed insert leaves nothing). */
  prepare?: () => void;
  /** The asynchronous part; the operation is DONE when it settles. */
  work?: () => Promise<void>;
}

interface Tracked {
  resource: OperationResource;
  done: Promise<void>;
}

function scopePath(project: string, scope: OperationScope): string {
  if (scope.kind === 'zone') return zonePath(project, scope.zone);
  if (scope.kind === 'region') return regionPath(project, scope.region);
  return globalPath(project);
}

/** Keeps memory bounded in long playground sessions; old DONE operations are forgotten first. */
const MAX_KEPT = 50_000;

export class Operations {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly deps: { ids: Ids; scheduler: Scheduler; faults: Faults; now: () => number }) {}

  /** Creates a PENDING operation and runs it: PENDING → RUNNING → DONE (with `error` on failure). */
  begin(spec: OperationSpec): OperationResource {
    const { ids, scheduler, faults, now } = this.deps;
    const name = ids.operationName(now());
    const path = `${scopePath(spec.project, spec.scope)}/operations/${name}`;
    const resource: OperationResource = {
      kind: 'compute#operation', id: ids.resourceId(), name,
      operationType: spec.operationType, targetLink: spec.targetLink, targetId: spec.targetId,
      status: 'PENDING', progress: 0, user: 'emulator@cosvm.invalid', insertTime: computeTimestamp(now()),
      selfLink: link(path),
    };
    if (spec.scope.kind === 'zone') resource.zone = link(zonePath(spec.project, spec.scope.zone));
    if (spec.scope.kind === 'region') resource.region = link(regionPath(spec.project, spec.scope.region));
    const fault = faults.takeOperationFault();
    if (!fault) spec.prepare?.();
    let markDone = () => {};
    const done = new Promise<void>((resolve) => (markDone = resolve));
    this.remember(path, { resource, done });
    scheduler.run(async () => {
      try {
        await scheduler.delay();
        resource.status = 'RUNNING';
        resource.startTime = computeTimestamp(now());
        if (fault) {
          await scheduler.delay();
          throw new OperationFailure(fault.code, fault.message);
        }
        await spec.work?.();
      } catch (error) {
        this.fail(resource, error);
      } finally {
        resource.status = 'DONE';
        resource.progress = 100;
        resource.endTime = computeTimestamp(now());
        markDone();
      }
    });
    return resource;
  }

  get(project: string, scope: OperationScope, name: string): OperationResource {
    return this.find(project, scope, name).resource;
  }

  /** Like zoneOperations.wait: returns when DONE or after `timeoutMs` (Google: ~2 minutes), whichever is first. */
  async wait(project: string, scope: OperationScope, name: string, timeoutMs: number): Promise<OperationResource> {
    const tracked = this.find(project, scope, name);
    if (tracked.resource.status !== 'DONE') {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([tracked.done, timeout]);
      clearTimeout(timer);
    }
    return tracked.resource;
  }

  private find(project: string, scope: OperationScope, name: string): Tracked {
    const path = `${scopePath(project, scope)}/operations/${name}`;
    const tracked = this.tracked.get(path);
    if (!tracked) throw notFound(path);
    return tracked;
  }

  private remember(path: string, tracked: Tracked): void {
    this.tracked.set(path, tracked);
    if (this.tracked.size <= MAX_KEPT) return;
    for (const [key, old] of this.tracked) {
      if (old.resource.status === 'DONE') {
        this.tracked.delete(key);
        return;
      }
    }
  }

  private fail(resource: OperationResource, error: unknown): void {
    let code = 'INTERNAL_ERROR';
    let status = 500;
    let message = error instanceof Error ? error.message : String(error);
    if (error instanceof OperationFailure) {
      code = error.code;
      status = error.httpStatus;
    } else if (error instanceof ApiError) {
      code = error.reason.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
      status = error.status;
      message = error.message;
    }
    resource.error = { errors: [{ code, message }] };
    resource.httpErrorStatusCode = status;
    resource.httpErrorMessage = HTTP_REASONS[status] ?? 'ERROR';
  }
}
