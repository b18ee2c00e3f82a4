/**
 * Adds a key to an instance's `ssh-keys` with read-modify-write on the metadata fingerprint, retrying when
 * someone else wrote in between (a 412, or an operation that failed on the fingerprint). Instance metadata
 * needs only instance-level permission and works with block-project-ssh-keys (gce-api-notes.md §3.3).
 */
import { isCosvmError } from '../errors';
import { mergeSshKeys } from '../ssh/keys';
import type { ComputeClients } from './computeClients';
import { normaliseGceError } from './errors';
import type { InstanceRef } from './model';
import { operationOf, waitForOperation } from './operations';

const attempts = 5;

function isStale(error: unknown): boolean {
  return isCosvmError(error) && (error.code === 'gce/stale-fingerprint' || (error.code === 'gce/operation-failed' && /fingerprint/i.test(error.userMessage)));
}

export async function addInstanceSshKey(clients: ComputeClients, ref: InstanceRef, entry: string, signal?: AbortSignal): Promise<void> {
  const what = `Adding an SSH key to ${ref.name}`;
  for (let attempt = 1; ; attempt++) {
    let items: { key?: string | null; value?: string | null }[];
    let fingerprint: string | null | undefined;
    try {
      const [instance] = await clients.instances.get({ project: ref.project, zone: ref.zone, instance: ref.name });
      items = (instance.metadata?.items ?? []).map((item) => ({ key: item.key ?? null, value: item.value ?? null }));
      fingerprint = instance.metadata?.fingerprint;
    } catch (error) {
      throw normaliseGceError(error, what, signal);
    }
    const current = items.find((item) => item.key === 'ssh-keys');
    const value = mergeSshKeys(current?.value ?? undefined, entry);
    const next = current ? items.map((item) => (item === current ? { key: 'ssh-keys', value } : item)) : [...items, { key: 'ssh-keys', value }];
    try {
      const answer = await clients.instances.setMetadata({ project: ref.project, zone: ref.zone, instance: ref.name, metadataResource: { fingerprint, items: next } });
      await waitForOperation(clients, ref.project, operationOf(answer), what, signal);
      return;
    } catch (error) {
      const normalised = normaliseGceError(error, what, signal);
      if (!isStale(normalised) || attempt >= attempts) throw normalised;
      // Someone else changed the metadata since we read it: read again and merge again.
    }
  }
}

