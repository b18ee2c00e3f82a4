import { createHash } from 'node:crypto';

/** OpenSSH's `SHA256:…` fingerprint of a host key's wire blob (matches `ssh-keygen -lf`). */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The wire blob of a public key line (`ssh-ed25519 AAAA… comment`), as a guest attribute or .pub holds it. */
export function publicKeyBlob(line: string): Buffer {
  const base64 = line.trim().split(/\s+/)[1];
  if (!base64) throw new Error(`Not an SSH public key line: ${line.slice(0, 40)}`);
  return Buffer.from(base64, 'base64');
}
