/**
 * Adds a key to an instance's `ssh-keys`, merged with what is there (instanceMetadata.ts retries on a
 * concurrent writer). Instance metadata needs only instance-level permission and works with
 * block-project-ssh-keys (gce-api-notes.md §3.3).
 */
import { mergeSshKeys } from '../ssh/keys';
import type { ComputeClients } from './computeClients';
import { mergeMetadata, updateInstanceMetadata } from './instanceMetadata';
import type { InstanceRef } from './model';

export async function addInstanceSshKey(clients: ComputeClients, ref: InstanceRef, entry: string, signal?: AbortSignal): Promise<void> {
  await updateInstanceMetadata(
    clients,
    ref,
    `Adding an SSH key to ${ref.name}`,
    (items) => mergeMetadata(items, [{ key: 'ssh-keys', value: mergeSshKeys(items.find((item) => item.key === 'ssh-keys')?.value, entry) }]),
    signal,
  );
}
