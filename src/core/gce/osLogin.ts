/**
 * OS Login the way `gcloud compute ssh` uses it (gce-api-notes.md §3.4): when `enable-oslogin` is on, the
 * VM ignores `ssh-keys` metadata and asks OS Login for the keys of a POSIX user, so our public key goes into
 * the caller's login profile instead (`users.importSshPublicKey`) and the SSH user name is the profile's.
 */
import { CancelledError, GceError, SshError } from '../errors';
import { messageOf } from './errors';
import type { RestContext } from './rest';

/** Where the OS Login API is and the bearer token to use (the Compute calls' own). */
export interface OsLoginAccess {
  /** Ends with `/`; `v1/users/…` is appended. */
  base: string;
  accessToken: () => Promise<string | undefined>;
}

type MetadataItems = readonly { key?: string | null; value?: string | null }[] | null | undefined;

function flag(items: MetadataItems, key: string): boolean | undefined {
  const value = items?.find((item) => item.key === key)?.value;
  return value === undefined || value === null ? undefined : value.trim().toLowerCase() === 'true';
}

/** `enable-oslogin`: the instance's value when it has one (even FALSE), else the project's; TRUE in any case. */
export function osLoginEnabled(instanceMetadata: MetadataItems, projectMetadata: MetadataItems): boolean {
  return flag(instanceMetadata, 'enable-oslogin') ?? flag(projectMetadata, 'enable-oslogin') ?? false;
}

/**
 * The OS Login endpoint that goes with a Compute endpoint: Google's for Google's Compute API (also its
 * `*.googleapis.com` private endpoints), else the same origin, so the emulator serves both APIs.
 */
export function osLoginAccess(compute: RestContext): OsLoginAccess {
  const url = new URL(compute.restBase);
  const base = url.hostname === 'googleapis.com' || url.hostname.endsWith('.googleapis.com') ? 'https://oslogin.googleapis.com/' : `${url.origin}/`;
  return { base, accessToken: compute.accessToken };
}

export interface OsLoginKeyRequest {
  /** The Google account, e.g. `alice@example.com`. */
  email: string;
  project: string;
  /** `ssh-ed25519 AAAA…` (a comment is allowed). */
  publicKey: string;
  /** When the imported key stops working (microseconds since the epoch); permanent when absent. */
  expireOnUsec?: bigint | number | string;
  /** A user name the caller would like, used when it is one of the profile's POSIX accounts (gcloud's `user@`). */
  preferredUser?: string;
}

interface PosixAccount {
  username?: unknown;
  primary?: unknown;
  accountId?: unknown;
}

interface LoginProfile {
  posixAccounts?: PosixAccount[];
  sshPublicKeys?: Record<string, { key?: unknown; expirationTimeUsec?: unknown }>;
}

/** `type blob` of a key line, so comments never make the same key look different. */
function keyIdentity(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** A key that expires within this margin is imported again (with the new expiry) rather than reused. */
const expiryMarginUsec = 5n * 60n * 1_000_000n;

/** The profile's user name as gcloud picks it: the preferred one if the profile has it, else the primary, else the first. */
export function pickPosixUsername(profile: unknown, preferredUser?: string): string | undefined {
  const accounts = ((profile as LoginProfile | null)?.posixAccounts ?? []).filter((account): account is PosixAccount & { username: string } => typeof account.username === 'string' && account.username !== '');
  if (preferredUser && accounts.some((account) => account.username === preferredUser)) return preferredUser;
  return (accounts.find((account) => account.primary === true) ?? accounts[0])?.username;
}

function hasUsableKey(profile: LoginProfile, publicKey: string, nowUsec: bigint): boolean {
  const wanted = keyIdentity(publicKey);
  return Object.values(profile.sshPublicKeys ?? {}).some((entry) => {
    if (typeof entry.key !== 'string' || keyIdentity(entry.key) !== wanted) return false;
    const expires = typeof entry.expirationTimeUsec === 'string' && /^\d+$/.test(entry.expirationTimeUsec) ? BigInt(entry.expirationTimeUsec) : undefined;
    return expires === undefined || expires > nowUsec + expiryMarginUsec;
  });
}

/**
 * Makes sure `publicKey` is in the OS Login profile of `email` and returns the POSIX user name to log in as.
 * Reads the login profile first and imports the key only when it is missing (or about to expire) or when the
 * profile has no POSIX account yet, as gcloud does.
 */
export async function ensureOsLoginKey(access: OsLoginAccess | RestContext, request: OsLoginKeyRequest, signal?: AbortSignal): Promise<{ username: string }> {
  const api = 'base' in access ? access : osLoginAccess(access);
  const user = `v1/users/${encodeURIComponent(request.email)}`;
  const query = new URLSearchParams({ projectId: request.project }).toString();
  const profile = (await call(api, request, 'GET', `${user}/loginProfile?${query}`, undefined, signal)) as LoginProfile;
  const nowUsec = BigInt(Date.now()) * 1000n;
  let username = hasUsableKey(profile, request.publicKey, nowUsec) ? pickPosixUsername(profile, request.preferredUser) : undefined;
  if (username === undefined) {
    const body = { key: request.publicKey, ...(request.expireOnUsec !== undefined ? { expirationTimeUsec: String(request.expireOnUsec) } : {}) };
    const answer = (await call(api, request, 'POST', `${user}:importSshPublicKey?${query}`, body, signal)) as { loginProfile?: LoginProfile } | null;
    username = pickPosixUsername(answer?.loginProfile, request.preferredUser);
  }
  if (username === undefined) {
    throw new SshError('ssh/oslogin-failed', `OS Login has no POSIX account for ${request.email} in project ${request.project}, so there is no user name to log in as.`);
  }
  return { username };
}

const retryable = new Set([429, 500, 502, 503, 504]);

async function call(api: OsLoginAccess, request: OsLoginKeyRequest, method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal | undefined): Promise<unknown> {
  const what = method === 'GET' ? `Reading the OS Login profile of ${request.email}` : `Adding your SSH key to the OS Login profile of ${request.email}`;
  for (let attempt = 0; ; attempt++) {
    const token = await api.accessToken();
    let response: Response;
    try {
      response = await fetch(`${api.base}${path}`, {
        method,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw new CancelledError(what);
      throw new SshError('ssh/oslogin-failed', `${what}: the OS Login API (${api.base}) could not be reached.`, { cause: error });
    }
    const text = await response.text();
    if (response.ok) {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new SshError('ssh/oslogin-failed', `${what}: the OS Login API answered something that is not JSON.`, { cause: error, detail: text.slice(0, 2000) });
      }
    }
    if (retryable.has(response.status) && attempt < 4) {
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      continue;
    }
    throw osLoginError(response.status, messageOf(text).slice(0, 500), what, request, text);
  }
}

function osLoginError(status: number, message: string, what: string, request: OsLoginKeyRequest, body: string): Error {
  const options = { detail: body.slice(0, 2000) };
  if (status === 401) {
    return new GceError('gce/no-credentials', `${what}: the credentials were refused (${message}). Run "gcloud auth application-default login".`, status, options);
  }
  if (status === 403 && /has not been used|is disabled|SERVICE_DISABLED/i.test(message + body)) {
    return new SshError('ssh/oslogin-failed', `${what}: the OS Login API is not enabled in project ${request.project} (${message}).`, options);
  }
  if (status === 403) {
    return new SshError(
      'ssh/oslogin-failed',
      `${what}: permission denied; your account lacks roles/compute.osLogin (or roles/compute.osAdminLogin) in project ${request.project}, or the credentials lack the cloud-platform scope (${message}).`,
      options,
    );
  }
  if (status === 404) return new SshError('ssh/oslogin-failed', `${what}: OS Login does not know ${request.email} (${message}).`, options);
  return new SshError('ssh/oslogin-failed', `${what}: ${message}`, options);
}
