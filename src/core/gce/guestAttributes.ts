/**
 * SSH host keys the guest agent publishes as guest attributes `hostkeys/<type>` (gce-api-notes.md §2.6,
 * §3.5), read and filtered the way `gcloud compute ssh` does before it pins them in its known_hosts.
 */
import { isCosvmError } from '../errors';
import type { RestContext } from './rest';
import { getJson } from './rest';

export interface PublishedHostKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256` or `ssh-rsa`. */
  type: string;
  /** Base64 SSH wire blob (the second field of the `.pub` line). */
  blob: string;
}

/** The key types gcloud accepts from guest attributes. */
export const hostKeyTypes: readonly string[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa'];

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The host keys in a `getGuestAttributes?queryPath=hostkeys/` answer: namespace `hostkeys`, a known key
 * type, the value cut at the first whitespace and valid base64. Anything else is skipped, as gcloud does.
 */
export function parseHostKeyAttributes(body: unknown): PublishedHostKey[] {
  const items = (body as { queryValue?: { items?: unknown } } | null)?.queryValue?.items;
  if (!Array.isArray(items)) return [];
  const keys: PublishedHostKey[] = [];
  for (const item of items as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { namespace, key, value } = item as Record<string, unknown>;
    if (namespace !== 'hostkeys' || typeof key !== 'string' || !hostKeyTypes.includes(key) || typeof value !== 'string') continue;
    const blob = value.trim().split(/\s+/)[0] ?? '';
    if (blob === '' || !base64.test(blob)) continue;
    keys.push({ type: key, blob });
  }
  return keys;
}

/** The instance's published host keys; none (`[]`) when guest attributes are off or not written yet. */
export async function getHostKeys(clients: RestContext, ref: { project: string; zone: string; name: string }, signal?: AbortSignal): Promise<PublishedHostKey[]> {
  const path = `/projects/${encodeURIComponent(ref.project)}/zones/${encodeURIComponent(ref.zone)}/instances/${encodeURIComponent(ref.name)}/getGuestAttributes`;
  try {
    return parseHostKeyAttributes(await getJson(clients, path, { queryPath: 'hostkeys/' }, `Reading the host keys of ${ref.name}`, signal));
  } catch (error) {
    // A 404 "… of type 'Guest Attribute' was not found" means "no host keys" (gcloud). A missing instance is
    // also a 404, but that one is an error.
    if (isCosvmError(error) && error.code === 'gce/not-found' && /Guest Attribute/i.test(error.userMessage)) return [];
    throw error;
  }
}
