import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hostKeyFingerprint, publicKeyBlob } from '../../../../src/core/ssh/hostKey';
import { hostKeyAlias, hostKeyType, KnownHosts, resolveHostTrust } from '../../../../src/core/ssh/knownHosts';
import { tempDir } from '../../../support/tempDir';

/** A fresh host key as `{type, blob}` (the guest attribute shape), from ssh-keygen. */
function hostKey(type: 'ed25519' | 'ecdsa' = 'ed25519'): { type: string; blob: string } {
  const file = path.join(tempDir('cosvm-hk-'), 'k');
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
  const [keyType, blob] = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/);
  return { type: keyType ?? '', blob: blob ?? '' };
}

const fingerprint = (key: { blob: string }) => hostKeyFingerprint(Buffer.from(key.blob, 'base64'));

describe('host trust: pinned guest-attribute keys, our known_hosts, or unknown', () => {
  const a = hostKey();
  const b = hostKey('ecdsa');
  const c = hostKey();

  it('prefers the pinned keys over what the file knows', () => {
    assert.deepEqual(resolveHostTrust({ pinned: [a, b], known: [c] }), { kind: 'pinned', fingerprints: [fingerprint(a), fingerprint(b)] });
  });

  it('falls back to the known keys, then to unknown', () => {
    assert.deepEqual(resolveHostTrust({ pinned: [], known: [c] }), { kind: 'known', fingerprints: [fingerprint(c)] });
    assert.deepEqual(resolveHostTrust({ pinned: [], known: [] }), { kind: 'unknown' });
  });

  it('gives OpenSSH fingerprints (as ssh-keygen -l prints them), once each', () => {
    const dir = tempDir('cosvm-hk-');
    const file = path.join(dir, 'k');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
    const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`]).toString().split(/\s+/)[1];
    const key = { type: 'ssh-ed25519', blob: publicKeyBlob(readFileSync(`${file}.pub`, 'utf8')).toString('base64') };
    assert.deepEqual(resolveHostTrust({ pinned: [key, key], known: [] }), { kind: 'pinned', fingerprints: [expected] });
  });

  it('reads the key type from a wire blob', () => {
    assert.equal(hostKeyType(Buffer.from(a.blob, 'base64')), 'ssh-ed25519');
    assert.equal(hostKeyType(Buffer.from(b.blob, 'base64')), 'ecdsa-sha2-nistp256');
    assert.equal(hostKeyType(Buffer.from([0, 0, 0, 9, 65])), '');
    assert.equal(hostKeyType(Buffer.alloc(2)), '');
  });
});

describe('our known_hosts file', () => {
  const a = hostKey();
  const b = hostKey('ecdsa');
  const c = hostKey();

  it('round-trips keys per alias, keeps every other line byte-identical, and writes mode 0600', async () => {
    const dir = tempDir('cosvm-kh-');
    const file = path.join(dir, 'sub', 'known_hosts');
    const others = ['# written by hand', 'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', '@revoked compute.1 ssh-ed25519 AAAAC3Nz', '', '  spaced   line  '];
    const known = new KnownHosts(file);
    assert.deepEqual(await known.keysFor(hostKeyAlias('1')), [], 'a missing file knows nothing');
    await known.remember(hostKeyAlias('1'), [a]);
    writeFileSync(file, `${others.join('\n')}\n${readFileSync(file, 'utf8')}`);
    await known.remember(hostKeyAlias('2'), [b, c]);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
    const again = new KnownHosts(file);
    assert.deepEqual(await again.keysFor('compute.1'), [a], '@revoked lines are not trusted keys');
    assert.deepEqual(await again.keysFor('compute.2'), [b, c]);
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.deepEqual(lines.slice(0, others.length), others);
    assert.ok(lines.includes(`compute.2 ${b.type} ${b.blob}`));

    // Remembering replaces what the alias had; forgetting removes it, and only it.
    await again.remember('compute.1', [c]);
    assert.deepEqual(await again.keysFor('compute.1'), [c]);
    await again.forget('compute.2');
    assert.deepEqual(await again.keysFor('compute.2'), []);
    assert.deepEqual(readFileSync(file, 'utf8').split('\n').slice(0, others.length), others);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('drops only the alias from a line that names several hosts, and survives concurrent writers', async () => {
    const file = path.join(tempDir('cosvm-kh-'), 'known_hosts');
    writeFileSync(file, `compute.7,10.0.0.7 ${a.type} ${a.blob} comment\n`, { mode: 0o644 });
    const known = new KnownHosts(file);
    assert.deepEqual(await known.keysFor('compute.7'), [a]);
    await Promise.all([known.forget('compute.7'), known.remember('compute.8', [b]), known.remember('compute.9', [c])]);
    assert.equal(readFileSync(file, 'utf8'), `10.0.0.7 ${a.type} ${a.blob} comment\ncompute.8 ${b.type} ${b.blob}\ncompute.9 ${c.type} ${c.blob}\n`);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'a rewrite makes an existing 0644 file 0600');
  });
});
