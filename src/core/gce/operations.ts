/** Waiting for Compute operations: `wait` returns after at most ~2 minutes, so loop until DONE, then check `error`. */
import { CancelledError, GceError, throwIfAborted } from '../errors';
import type { ComputeClients } from './computeClients';
import { normaliseGceError } from './errors';
import { lastSegment } from './model';

export interface OperationLike {
  name?: string | null;
  /** A string in REST mode ('PENDING' | 'RUNNING' | 'DONE'); the client's type also allows its enum. */
  status?: unknown;
  zone?: string | null;
  region?: string | null;
  error?: { errors?: { code?: string | null; message?: string | null }[] | null } | null;
  httpErrorStatusCode?: number | null;
}

/** The operation from a mutating call's `[lro]` answer (its `latestResponse`; gce-api-notes.md §1.7). */
export function operationOf(answer: unknown): OperationLike {
  const lro = (Array.isArray(answer) ? answer[0] : answer) as { latestResponse?: unknown } | undefined;
  return (lro?.latestResponse ?? {});
}

export async function waitForOperation(clients: ComputeClients, project: string, started: OperationLike, what: string, signal?: AbortSignal): Promise<void> {
  let op = started;
  while (op.status !== 'DONE') {
    throwIfAborted(signal, what);
    const operation = op.name ?? '';
    try {
      if (op.zone) [op] = await clients.zoneOperations.wait({ project, zone: lastSegment(op.zone), operation });
      else if (op.region) [op] = await clients.regionOperations.wait({ project, region: lastSegment(op.region), operation });
      else [op] = await clients.globalOperations.wait({ project, operation });
    } catch (error) {
      throw normaliseGceError(error, what, signal);
    }
  }
  const errors = op.error?.errors ?? [];
  if (errors.length > 0) {
    const text = errors.map((e) => e.message ?? e.code ?? 'unknown error').join('; ');
    throw new GceError('gce/operation-failed', `${what} failed: ${text}`, op.httpErrorStatusCode ?? undefined);
  }
  if (signal?.aborted) throw new CancelledError(what);
}
