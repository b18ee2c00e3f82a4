/**
 * Our own known_hosts, in the extension's storage, like gcloud's `google_compute_known_hosts`
 * (gce-api-notes.md §3.1, §3.5): OpenSSH lines `compute.<instance id> <type> <base64>`, the alias being
 * gcloud's HostKeyAlias, so the file also works with `ssh -o HostKeyAlias=… -o UserKnownHostsFile=…`.
 * Lines we do not own (comments, other hosts, `@cert-authority`/`@revoked` markers) stay as they were.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { hostKeyFingerprint } from './hostKey';

export interface KnownHostKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, … */
  type: string;
  /** Base64 SSH wire blob. */
  blob: string;
}

/** gcloud's HostKeyAlias: `compute.<numeric instance id>`, stable across renames and new IPs. */
export function hostKeyAlias(instanceId: string): string {
  return `compute.${instanceId}`;
}

/** The key type inside an SSH wire blob (its first SSH string), e.g. `ssh-ed25519`; '' if the blob is too short. */
export function hostKeyType(blob: Buffer): string {
  if (blob.length < 4) return '';
  const length = blob.readUInt32BE(0);
  if (length > blob.length - 4) return '';
  return blob.subarray(4, 4 + length).toString('latin1');
}

export type HostTrust = { kind: 'pinned' | 'known'; fingerprints: string[] } | { kind: 'unknown' };

/**
 * Which host keys to trust for one connection. Keys published by the guest agent (`pinned`, read through the
 * Compute API) win over our file (`known`, from an earlier connection); the caller then remembers the pinned
 * ones. With neither, the key is unknown and the caller asks the user (trust on first use).
 */
export function resolveHostTrust(input: { pinned: readonly KnownHostKey[]; known: readonly KnownHostKey[] }): HostTrust {
  const fingerprints = (keys: readonly KnownHostKey[]) => [...new Set(keys.map((key) => hostKeyFingerprint(Buffer.from(key.blob, 'base64'))))];
  if (input.pinned.length > 0) return { kind: 'pinned', fingerprints: fingerprints(input.pinned) };
  if (input.known.length > 0) return { kind: 'known', fingerprints: fingerprints(input.known) };
  return { kind: 'unknown' };
}

interface ParsedLine {
  hosts: string[];
  type: string;
  blob: string;
}

/** A plain `hosts type base64 [comment]` line; undefined for comments, blank lines and marker lines. */
function parseLine(line: string): ParsedLine | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#') || text.startsWith('@')) return undefined;
  const [hosts, type, blob] = text.split(/\s+/);
  if (!hosts || !type || !blob) return undefined;
  return { hosts: hosts.split(','), type, blob };
}

export class KnownHosts {
  /** Read-modify-write calls of this object, one after another. */
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  async keysFor(alias: string): Promise<KnownHostKey[]> {
    await this.queue;
    const keys: KnownHostKey[] = [];
    for (const line of await this.lines()) {
      const parsed = parseLine(line);
      if (parsed?.hosts.includes(alias)) keys.push({ type: parsed.type, blob: parsed.blob });
    }
    return keys;
  }

  /** Replaces what the file says about `alias` with `keys`. */
  remember(alias: string, keys: readonly KnownHostKey[]): Promise<void> {
    return this.update((lines) => [...withoutAlias(lines, alias), ...keys.map((key) => `${alias} ${key.type} ${key.blob}`)]);
  }

  forget(alias: string): Promise<void> {
    return this.update((lines) => withoutAlias(lines, alias));
  }

  private async lines(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  private update(change: (lines: string[]) => string[]): Promise<void> {
    const next = this.queue.then(async () => {
      const before = await this.lines();
      const after = change(before);
      if (after.length === before.length && after.every((line, i) => line === before[i])) return;
      await this.write(after);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** A temporary file (0600) renamed over the old one, so a reader never sees half a file. */
  private async write(lines: string[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
      // The mode of writeFile is filtered by the umask; make sure.
      await chmod(temporary, 0o600);
      await rename(temporary, this.file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

/** Lines without `alias`: its own lines go, lines naming other hosts too lose only that name. */
function withoutAlias(lines: readonly string[], alias: string): string[] {
  return lines.flatMap((line) => {
    const parsed = parseLine(line);
    if (!parsed?.hosts.includes(alias)) return [line];
    const others = parsed.hosts.filter((host) => host !== alias);
    if (others.length === 0) return [];
    return [line.replace(/^\s*\S+/, others.join(','))];
  });
}
