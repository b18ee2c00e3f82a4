import { generateKeyPairSync } from 'node:crypto';

function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * Host keys an emulated guest agent publishes under `hostkeys/` when no VmHost supplies real ones
 * (gce-api-notes §3.5: value = base64 of the SSH wire blob, the 2nd field of the .pub line). They are real
 * keys, so clients that parse them (ssh2 `utils.parseKey`, fingerprints) work.
 */
export function generateHostKeys(): { type: string; blob: string }[] {
  // SPKI DER ends with the raw public key: 32 bytes for Ed25519, the 65-byte uncompressed point for P-256.
  const ed25519 = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const ecdsa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' });
  return [
    { type: 'ssh-ed25519', blob: Buffer.concat([sshString('ssh-ed25519'), sshString(ed25519.subarray(ed25519.length - 32))]).toString('base64') },
    {
      type: 'ecdsa-sha2-nistp256',
      blob: Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(ecdsa.subarray(ecdsa.length - 65))]).toString('base64'),
    },
  ];
}
