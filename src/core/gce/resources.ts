/**
 * Listing and acting on instances, templates and MIGs through the Compute client, returning plain
 * records. Every client error is normalised here (errors.ts).
 */
import { throwIfAborted } from '../errors';
import type { ComputeClients } from './computeClients';
import { deployInfo, type ImagesMemo, type MetadataItem } from './deployInfo';
import { normaliseGceError } from './errors';
import { lastSegment, type InstanceRef, type InstanceSummary, type ManagedInstanceSummary, type MigSummary, type TemplateSummary } from './model';
import { operationOf, waitForOperation } from './operations';
import { getJson } from './rest';

/**
 * Reads are idempotent: retry 429 (RESOURCE_EXHAUSTED, 8) and 503 (UNAVAILABLE, 14). The client retries 503
 * on reads by default but never 429 (see test/integration/emulator); mutations are not retried.
 */
const readRetry = {
  retry: {
    retryCodes: [8, 14],
    backoffSettings: { initialRetryDelayMillis: 100, retryDelayMultiplier: 2, maxRetryDelayMillis: 5_000, initialRpcTimeoutMillis: 30_000, rpcTimeoutMultiplier: 1, maxRpcTimeoutMillis: 30_000, totalTimeoutMillis: 60_000 },
  },
};

/** The fields we read; int64 and enum fields arrive as strings in REST mode but are typed wider. */
interface RawInstance {
  id?: unknown;
  name?: string | null;
  zone?: string | null;
  status?: unknown;
  machineType?: string | null;
  labels?: Record<string, string> | null;
  metadata?: { items?: MetadataItem[] | null } | null;
  networkInterfaces?: { networkIP?: string | null; accessConfigs?: { natIP?: string | null }[] | null }[] | null;
  creationTimestamp?: string | null;
}

export function toInstanceSummary(project: string, raw: RawInstance, memo?: ImagesMemo): InstanceSummary {
  const info = deployInfo(raw.metadata?.items, memo);
  const nic = raw.networkInterfaces?.[0];
  return {
    project,
    zone: lastSegment(raw.zone),
    name: raw.name ?? '',
    id: typeof raw.id === 'string' || typeof raw.id === 'number' ? String(raw.id) : '',
    status: typeof raw.status === 'string' ? raw.status : 'UNKNOWN',
    machineType: lastSegment(raw.machineType),
    natIP: nic?.accessConfigs?.find((c) => c.natIP)?.natIP ?? undefined,
    internalIP: nic?.networkIP ?? undefined,
    labels: { ...(raw.labels ?? {}) },
    deployMode: info.mode,
    images: info.images,
    declaration: info.declaration,
    creationTimestamp: raw.creationTimestamp ?? undefined,
    createdBy: raw.metadata?.items?.find((item) => item.key === 'created-by')?.value ?? undefined,
  };
}

export interface ListOptions {
  signal?: AbortSignal;
  /** Called as pages arrive, with the instances of the scopes read so far in that page. */
  onBatch?: (instances: InstanceSummary[]) => void;
  /** Page size; the API allows up to 500. */
  pageSize?: number;
}

/** Every instance of a project, across zones, through aggregatedList (one request per page, not per zone). */
export async function listInstances(clients: ComputeClients, project: string, options: ListOptions = {}): Promise<InstanceSummary[]> {
  const all: InstanceSummary[] = [];
  const what = `Listing the instances of ${project}`;
  const memo: ImagesMemo = new Map();
  let pageToken: string | undefined;
  try {
    do {
      const query: Record<string, string> = { maxResults: String(options.pageSize ?? 500), returnPartialSuccess: 'true', ...(pageToken ? { pageToken } : {}) };
      const page = (await getJson(clients, `/projects/${encodeURIComponent(project)}/aggregated/instances`, query, what, options.signal)) as {
        items?: Record<string, { instances?: RawInstance[] }>;
        nextPageToken?: string;
      };
      throwIfAborted(options.signal, 'Listing instances');
      for (const scoped of Object.values(page.items ?? {})) {
        const batch = (scoped.instances ?? []).map((raw) => toInstanceSummary(project, raw, memo));
        if (batch.length === 0) continue;
        all.push(...batch);
        options.onBatch?.(batch);
      }
      pageToken = page.nextPageToken || undefined;
    } while (pageToken);
  } catch (error) {
    throw normaliseGceError(error, what, options.signal);
  }
  return all;
}

export async function getInstance(clients: ComputeClients, ref: InstanceRef, signal?: AbortSignal): Promise<InstanceSummary> {
  try {
    const [raw] = await clients.instances.get({ project: ref.project, zone: ref.zone, instance: ref.name }, readRetry);
    return toInstanceSummary(ref.project, raw);
  } catch (error) {
    throw normaliseGceError(error, `Reading ${ref.name}`, signal);
  }
}

export type InstanceAction = 'start' | 'stop' | 'reset' | 'delete';

export async function instanceAction(clients: ComputeClients, ref: InstanceRef, action: InstanceAction, signal?: AbortSignal): Promise<void> {
  const request = { project: ref.project, zone: ref.zone, instance: ref.name };
  const what = `${action[0]?.toUpperCase()}${action.slice(1)} ${ref.name}`;
  let answer: unknown;
  try {
    if (action === 'start') answer = await clients.instances.start(request);
    else if (action === 'stop') answer = await clients.instances.stop(request);
    else if (action === 'reset') answer = await clients.instances.reset(request);
    else answer = await clients.instances.delete(request);
  } catch (error) {
    throw normaliseGceError(error, what, signal);
  }
  await waitForOperation(clients, ref.project, operationOf(answer), what, signal);
}

interface RawTemplate {
  name?: string | null;
  region?: string | null;
  creationTimestamp?: string | null;
  properties?: { machineType?: string | null; metadata?: { items?: MetadataItem[] | null } | null } | null;
}

export async function listTemplates(clients: ComputeClients, project: string, signal?: AbortSignal): Promise<TemplateSummary[]> {
  const out: TemplateSummary[] = [];
  try {
    // aggregatedList covers global and regional templates in one listing.
    for await (const [scope, scoped] of clients.instanceTemplates.aggregatedListAsync({ project }, readRetry)) {
      throwIfAborted(signal, 'Listing templates');
      for (const raw of (scoped.instanceTemplates ?? []) as RawTemplate[]) {
        const info = deployInfo(raw.properties?.metadata?.items);
        out.push({
          project,
          scope: raw.region ? lastSegment(raw.region) : scope === 'global' ? 'global' : lastSegment(scope),
          name: raw.name ?? '',
          machineType: lastSegment(raw.properties?.machineType),
          deployMode: info.mode,
          images: info.images,
          declaration: info.declaration,
          creationTimestamp: raw.creationTimestamp ?? undefined,
        });
      }
    }
  } catch (error) {
    throw normaliseGceError(error, `Listing the instance templates of ${project}`, signal);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

interface RawMig {
  name?: string | null;
  zone?: string | null;
  region?: string | null;
  targetSize?: unknown;
  instanceTemplate?: string | null;
  versions?: { instanceTemplate?: string | null }[] | null;
  status?: { isStable?: boolean | null } | null;
  currentActions?: object | null;
}

export async function listMigs(clients: ComputeClients, project: string, signal?: AbortSignal): Promise<MigSummary[]> {
  const out: MigSummary[] = [];
  try {
    for await (const [, scoped] of clients.instanceGroupManagers.aggregatedListAsync({ project }, readRetry)) {
      throwIfAborted(signal, 'Listing MIGs');
      for (const raw of (scoped.instanceGroupManagers ?? []) as RawMig[]) {
        const templates = (raw.versions?.length ? raw.versions.map((v) => v.instanceTemplate) : [raw.instanceTemplate]).map(lastSegment).filter((t) => t !== '');
        const actions: Record<string, number> = {};
        for (const [key, count] of Object.entries(raw.currentActions ?? {})) if (!key.startsWith('_') && typeof count === 'number' && count > 0) actions[key] = count;
        out.push({
          project,
          location: raw.region ? `regions/${lastSegment(raw.region)}` : `zones/${lastSegment(raw.zone)}`,
          name: raw.name ?? '',
          targetSize: Number(raw.targetSize ?? 0),
          templates,
          isStable: raw.status?.isStable ?? true,
          currentActions: actions,
        });
      }
    }
  } catch (error) {
    throw normaliseGceError(error, `Listing the managed instance groups of ${project}`, signal);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export async function listManagedInstances(clients: ComputeClients, mig: MigSummary, signal?: AbortSignal): Promise<ManagedInstanceSummary[]> {
  const [kind, place] = mig.location.split('/') as [string, string];
  try {
    const iterable =
      kind === 'regions'
        ? clients.regionInstanceGroupManagers.listManagedInstancesAsync({ project: mig.project, region: place, instanceGroupManager: mig.name }, readRetry)
        : clients.instanceGroupManagers.listManagedInstancesAsync({ project: mig.project, zone: place, instanceGroupManager: mig.name }, readRetry);
    const out: ManagedInstanceSummary[] = [];
    for await (const managed of iterable) {
      const url = managed.instance ?? '';
      out.push({
        name: lastSegment(url),
        zone: /\/zones\/([^/]+)\//.exec(url)?.[1] ?? '',
        status: typeof managed.instanceStatus === 'string' ? managed.instanceStatus : 'UNKNOWN',
        currentAction: typeof managed.currentAction === 'string' ? managed.currentAction : 'NONE',
        version: managed.version?.instanceTemplate ? lastSegment(managed.version.instanceTemplate) : undefined,
      });
    }
    return out;
  } catch (error) {
    throw normaliseGceError(error, `Listing the members of ${mig.name}`, signal);
  }
}
