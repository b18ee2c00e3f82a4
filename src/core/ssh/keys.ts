/**
 * SSH keys the way `gcloud compute ssh` handles them (gce-api-notes.md §3.1–3.2): reuse
 * ~/.ssh/google_compute_engine when it exists, else our own ed25519 key (mode 0600); add it to `ssh-keys`
 * as an expiring `google-ssh` entry, keeping every other line as it was.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { loadSsh2 } from '../lazyPackages';

export interface KeyPair {
  /** OpenSSH private key text. */
  privateKey: string;
  /** `ssh-ed25519 AAAA…` (type and blob, no comment). */
  publicKey: string;
  path: string;
}

async function readPair(file: string): Promise<KeyPair | undefined> {
  try {
    const [privateKey, publicLine] = await Promise.all([readFile(file, 'utf8'), readFile(`${file}.pub`, 'utf8')]);
    const [type, blob] = publicLine.trim().split(/\s+/);
    if (!type || !blob) return undefined;
    return { privateKey, publicKey: `${type} ${blob}`, path: file };
  } catch {
    return undefined;
  }
}

/**
 * A new ed25519 pair in OpenSSH format. ssh2's generator drops a public key's leading zero byte, so about one
 * key in 256 comes out malformed and ssh2 itself cannot read it back (mscdex/ssh2#1390, #1513): keep only a
 * pair whose both halves parse.
 */
export async function generateEd25519KeyPair(comment = ''): Promise<{ private: string; public: string }> {
  const { utils } = await loadSsh2();
  for (let attempt = 0; attempt < 32; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', { comment });
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
  throw new Error('Could not generate a readable ed25519 key pair.');
}

/** gcloud's key if there is one, else ours in `storageDir` (created once, 0600; a malformed one is replaced). */
export async function ensureKeyPair(options: { gcloudKeyPath?: string; storageDir: string; comment?: string }): Promise<KeyPair> {
  if (options.gcloudKeyPath) {
    const gcloud = await readPair(options.gcloudKeyPath);
    if (gcloud) return gcloud;
  }
  const file = path.join(options.storageDir, 'cosvm_ed25519');
  const existing = await readPair(file);
  if (existing && (await isReadable(existing))) return existing;
  const pair = await generateEd25519KeyPair(options.comment ?? 'cosvm');
  await mkdir(options.storageDir, { recursive: true, mode: 0o700 });
  await writeFile(file, pair.private, { mode: 0o600 });
  // writeFile's mode applies only when it creates the file; make sure either way.
  await chmod(file, 0o600);
  await writeFile(`${file}.pub`, `${pair.public}\n`, { mode: 0o644 });
  const [type, blob] = pair.public.trim().split(/\s+/);
  return { privateKey: pair.private, publicKey: `${type ?? ''} ${blob ?? ''}`, path: file };
}

/** Our own stored key may be one of ssh2's malformed ones (generated before the check above). */
async function isReadable(pair: KeyPair): Promise<boolean> {
  const { utils } = await loadSsh2();
  return !(utils.parseKey(pair.privateKey) instanceof Error) && !(utils.parseKey(pair.publicKey) instanceof Error);
}

/** `%Y-%m-%dT%H:%M:%S+0000` in UTC, as gcloud writes expireOn. */
function gcloudTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+0000`;
}

/** An expiring entry: `user:TYPE BLOB google-ssh {"userName":"user","expireOn":"…"}` (no spaces in the JSON). */
export function expiringKeyEntry(user: string, publicKey: string, expireOn: Date): string {
  if (!/^[a-z_][a-z0-9_.-]{0,31}$/i.test(user)) throw new Error(`"${user}" is not a valid SSH username.`);
  return `${user}:${publicKey} google-ssh {"userName":"${user}","expireOn":"${gcloudTime(expireOn)}"}`;
}

function expireOnOf(line: string): Date | undefined {
  const json = /google-ssh\s+(\{.*\})\s*$/.exec(line)?.[1];
  if (!json) return undefined;
  try {
    const value = (JSON.parse(json) as { expireOn?: unknown }).expireOn;
    if (typeof value !== 'string') return undefined;
    const date = new Date(value.replace(/\+0000$/, 'Z'));
    return Number.isNaN(date.getTime()) ? undefined : date;
  } catch {
    return undefined;
  }
}

function keyOf(line: string): string | undefined {
  const match = /^([^:\s]+):\s*(\S+)\s+(\S+)/.exec(line);
  return match ? `${match[1] ?? ''}:${match[3] ?? ''}` : undefined;
}

/**
 * The new `ssh-keys` value: every other line byte-identical and in order, expired `google-ssh` entries
 * dropped (as gcloud does), any older entry for the same user and key replaced by `entry`.
 */
export function mergeSshKeys(value: string | undefined, entry: string, now = new Date()): string {
  const replaced = keyOf(entry);
  const kept = (value ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => {
      const expires = expireOnOf(line);
      return !(expires && expires <= now) && keyOf(line) !== replaced;
    });
  return [...kept, entry].join('\n');
}
