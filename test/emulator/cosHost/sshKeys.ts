/**
 * Which keys may log in to an emulated instance, as the guest agent decides from metadata
 * (reference/gce-api-notes.md §3.2–3.3): instance `ssh-keys` (plus legacy `sshKeys`), plus the project's
 * unless `block-project-ssh-keys` is true; `google-ssh {"expireOn":…}` keys only until they expire.
 */
import type { EmulatedInstance, EmulatedMetadata } from '../vmHost';

export interface AuthorizedKey {
  user: string;
  /** The authorized_keys line (key type, blob, comment). */
  line: string;
  /** Milliseconds since the epoch; absent for a permanent key. */
  expiresAt?: number;
}

export function metadataValue(metadata: EmulatedMetadata | undefined, key: string): string | undefined {
  return metadata?.items.find((item) => item.key === key)?.value;
}

/**
 * User names we accept. The guest agent only requires non-empty and no whitespace; ours also become
 * passwd entries and home directories, so nothing that could break either (no `/`, `:`, leading `-`).
 */
const userName = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;

/** Parses one `user:ssh-… KEY comment` line; undefined for anything the guest agent would skip. */
export function parseSshKeyLine(raw: string): AuthorizedKey | undefined {
  const text = raw.trim();
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const user = text.slice(0, colon);
  const line = text.slice(colon + 1).trim();
  if (!userName.test(user) || !/\b(ssh-|ecdsa-|sk-)\S+\s+[A-Za-z0-9+/=]+/.test(line)) return undefined;
  const marker = line.indexOf(' google-ssh ');
  if (marker < 0) return { user, line };
  const expiresAt = parseExpireOn(line.slice(marker + ' google-ssh '.length));
  // An expiring key whose expiry cannot be read is not trusted: it is dropped rather than made permanent.
  return expiresAt === undefined ? undefined : { user, line, expiresAt };
}

/** `expireOn` as gcloud writes it (`2025-01-01T12:00:00+0000`) or RFC 3339. */
function parseExpireOn(json: string): number | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const expireOn = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['expireOn'] : undefined;
  if (typeof expireOn !== 'string') return undefined;
  const time = Date.parse(expireOn.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(time) ? undefined : time;
}

function keysOf(value: string | undefined): AuthorizedKey[] {
  return (value ?? '').split('\n').flatMap((line) => parseSshKeyLine(line) ?? []);
}

/** The keys the guest agent would install now, in metadata order. */
export function effectiveSshKeys(instance: Pick<EmulatedInstance, 'metadata' | 'projectMetadata'>, now = Date.now()): AuthorizedKey[] {
  const own = (key: string) => metadataValue(instance.metadata, key);
  const project = (key: string) => metadataValue(instance.projectMetadata, key);
  let keys: AuthorizedKey[];
  // The order of checks is gcloud's own description of what the VM reads (ssh_utils.py).
  if (own('sshKeys') !== undefined) keys = [...keysOf(own('sshKeys')), ...keysOf(own('ssh-keys'))];
  else if (own('block-project-ssh-keys')?.trim().toLowerCase() === 'true') keys = keysOf(own('ssh-keys'));
  else keys = [...keysOf(own('ssh-keys')), ...keysOf(project('ssh-keys')), ...keysOf(project('sshKeys'))];
  return keys.filter((key) => key.expiresAt === undefined || key.expiresAt > now);
}

/** `enable-oslogin`: the instance's value if it has one, else the project's; true/1/yes in any case, as the guest agent reads it. */
export function osLoginEnabled(instance: Pick<EmulatedInstance, 'metadata' | 'projectMetadata'>): boolean {
  const value = metadataValue(instance.metadata, 'enable-oslogin') ?? metadataValue(instance.projectMetadata, 'enable-oslogin');
  return value !== undefined && /^(true|1|yes|y|on)$/i.test(value.trim());
}

/**
 * Who may log in. With OS Login on, the guest's AuthorizedKeysCommand asks OS Login for the keys of the POSIX
 * user and `ssh-keys` metadata is ignored altogether (gce-api-notes.md §3.4); otherwise the metadata keys.
 */
export function authorizedKeys(instance: Pick<EmulatedInstance, 'metadata' | 'projectMetadata' | 'osLoginAccounts'>, now = Date.now()): AuthorizedKey[] {
  if (!osLoginEnabled(instance)) return effectiveSshKeys(instance, now);
  return (instance.osLoginAccounts ?? [])
    .filter((account) => userName.test(account.username))
    .flatMap((account) => account.keys.map((key) => ({ user: account.username, line: key.line, ...(key.expiresAt !== undefined ? { expiresAt: key.expiresAt } : {}) })))
    .filter((key) => key.expiresAt === undefined || key.expiresAt > now);
}
