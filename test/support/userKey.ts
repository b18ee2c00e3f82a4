import { generateEd25519KeyPair } from '../../src/core/ssh/keys';

/** A user's SSH key for tests: the OpenSSH private key and `ssh-ed25519 AAAA…` (no comment). */
export interface UserKey {
  privateKey: string;
  publicKey: string;
}

/** A fresh ed25519 key that ssh2 can read back (keys.ts works around ssh2's one-in-256 malformed key). */
export async function userKey(): Promise<UserKey> {
  const pair = await generateEd25519KeyPair();
  return { privateKey: pair.private, publicKey: pair.public.split(' ').slice(0, 2).join(' ') };
}
