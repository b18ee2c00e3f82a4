/**
 * Read-modify-write of an instance's metadata on its fingerprint (gce-api-notes.md §2.4). When someone else
 * wrote in between (a 412, or an operation that failed on the fingerprint), read again and apply the same
 * change again: the change is a function of what is there now, so their write survives ours.
 */
import { isCosvmError } from '../errors';
import type { ComputeClients } from './computeClients';
import { normaliseGceError } from './errors';
import type { InstanceRef } from './model';
import { operationOf, waitForOperation } from './operations';

export interface MetadataEntry {
  key: string;
  value: string;
}

const attempts = 5;

function isStale(error: unknown): boolean {
  return isCosvmError(error) && (error.code === 'gce/stale-fingerprint' || (error.code === 'gce/operation-failed' && /fingerprint/i.test(error.userMessage)));
}

/** What the instance looked like when the change was applied. */
export interface MetadataUpdate {
  before: MetadataEntry[];
  after: MetadataEntry[];
  /** The instance's status at the read that won. */
  status: string;
  attempts: number;
}

/**
 * Applies `change` to the instance's metadata items. `change` gets the current items and returns the new
 * ones, or undefined to write nothing (it may throw to refuse).
 */
export async function updateInstanceMetadata(
  clients: ComputeClients,
  ref: InstanceRef,
  what: string,
  change: (items: MetadataEntry[]) => MetadataEntry[] | undefined,
  signal?: AbortSignal,
): Promise<MetadataUpdate> {
  for (let attempt = 1; ; attempt++) {
    let items: MetadataEntry[];
    let fingerprint: string | null | undefined;
    let status: string;
    try {
      const [instance] = await clients.instances.get({ project: ref.project, zone: ref.zone, instance: ref.name });
      items = (instance.metadata?.items ?? []).map((item) => ({ key: item.key ?? '', value: item.value ?? '' }));
      fingerprint = instance.metadata?.fingerprint;
      status = String(instance.status ?? '');
    } catch (error) {
      throw normaliseGceError(error, what, signal);
    }
    const next = change(items.map((item) => ({ ...item })));
    if (!next) return { before: items, after: items, status, attempts: attempt };
    try {
      const answer = await clients.instances.setMetadata({ project: ref.project, zone: ref.zone, instance: ref.name, metadataResource: { fingerprint, items: next } });
      await waitForOperation(clients, ref.project, operationOf(answer), what, signal);
      return { before: items, after: next, status, attempts: attempt };
    } catch (error) {
      const normalised = normaliseGceError(error, what, signal);
      if (!isStale(normalised) || attempt >= attempts) throw normalised;
    }
  }
}

/**
 * `items` with `set` written (in place where the key exists, appended in `set`'s order otherwise) and `remove`
 * dropped; every other entry keeps its value and position, byte for byte.
 */
export function mergeMetadata(items: readonly MetadataEntry[], set: readonly MetadataEntry[], remove: readonly string[] = []): MetadataEntry[] {
  const updates = new Map(set.map((entry) => [entry.key, entry.value]));
  const merged = items.filter((item) => !remove.includes(item.key) || updates.has(item.key)).map((item) => (updates.has(item.key) ? { key: item.key, value: updates.get(item.key) ?? '' } : item));
  for (const entry of set) if (!items.some((item) => item.key === entry.key)) merged.push({ ...entry });
  return merged;
}
