import * as assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { utils } from 'ssh2';
import { ensureKeyPair, expiringKeyEntry, generateEd25519KeyPair, mergeSshKeys } from '../../../../src/core/ssh/keys';
import { tempDir } from '../../../support/tempDir';

describe('SSH keys like gcloud compute ssh', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  it('writes an expiring google-ssh entry in gcloud\'s exact format', () => {
    assert.equal(
      expiringKeyEntry('alice', 'ssh-ed25519 AAAAC3Nz', new Date('2026-11-23T15:04:05.678Z')),
      'alice:ssh-ed25519 AAAAC3Nz google-ssh {"userName":"alice","expireOn":"2026-11-23T15:04:05+0000"}',
    );
    assert.throws(() => expiringKeyEntry('bad user', 'ssh-ed25519 A', now), /not a valid SSH username/);
  });

  it('keeps every other line byte-identical, drops expired google-ssh entries and replaces our older one', () => {
    const value = [
      'bob:ssh-rsa AAAAB3Nz bob@laptop',
      'alice:ssh-ed25519 KEY google-ssh {"userName":"alice","expireOn":"2026-11-23T09:00:00+0000"}',
      'carol:ssh-ed25519 OLD google-ssh {"userName":"carol","expireOn":"2026-11-22T09:00:00+0000"}',
      'dave:ssh-ed25519 LIVE google-ssh {"userName":"dave","expireOn":"2027-01-01T00:00:00+0000"}',
      'alice:ssh-ed25519 KEY',
    ].join('\n');
    const entry = expiringKeyEntry('alice', 'ssh-ed25519 KEY', new Date('2026-11-23T11:00:00Z'));
    assert.equal(
      mergeSshKeys(value, entry, now),
      ['bob:ssh-rsa AAAAB3Nz bob@laptop', 'dave:ssh-ed25519 LIVE google-ssh {"userName":"dave","expireOn":"2027-01-01T00:00:00+0000"}', entry].join('\n'),
    );
    assert.equal(mergeSshKeys(undefined, entry, now), entry);
  });

  it('creates our ed25519 key once, mode 0600, and reuses gcloud\'s key when it exists', async () => {
    const storage = tempDir('cosvm-keys-');
    const first = await ensureKeyPair({ storageDir: storage });
    assert.match(first.privateKey, /BEGIN OPENSSH PRIVATE KEY/);
    assert.match(first.publicKey, /^ssh-ed25519 \S+$/);
    assert.equal(statSync(first.path).mode & 0o777, 0o600);
    const again = await ensureKeyPair({ storageDir: storage, gcloudKeyPath: path.join(storage, 'missing') });
    assert.equal(again.publicKey, first.publicKey);
    const gcloud = await ensureKeyPair({ storageDir: tempDir('cosvm-other-'), gcloudKeyPath: first.path });
    assert.equal(gcloud.path, first.path);
  });

  // ssh2 strips a public key's leading zero byte: about one raw pair in 256 cannot be read back.
  const parses = (key: string) => !(utils.parseKey(key) instanceof Error);

  it('generates only pairs ssh2 can read back', async () => {
    for (let i = 0; i < 1500; i++) {
      const pair = await generateEd25519KeyPair();
      assert.ok(parses(pair.private) && parses(pair.public), `pair ${i}:\n${pair.public}`);
    }
  });

  it('replaces a stored key of ours that ssh2 cannot read (made before that check)', async () => {
    let broken: { private: string; public: string } | undefined;
    for (let i = 0; i < 20_000 && !broken; i++) {
      const raw = utils.generateKeyPairSync('ed25519');
      if (!parses(raw.private) || !parses(raw.public)) broken = raw;
    }
    assert.ok(broken, 'no malformed raw pair in 20,000: has ssh2 fixed its generator?');
    const storage = tempDir('cosvm-keys-');
    writeFileSync(path.join(storage, 'cosvm_ed25519'), broken.private, { mode: 0o600 });
    writeFileSync(path.join(storage, 'cosvm_ed25519.pub'), `${broken.public}\n`);
    const pair = await ensureKeyPair({ storageDir: storage });
    assert.notEqual(pair.publicKey, broken.public.split(' ').slice(0, 2).join(' '));
    assert.ok(parses(pair.privateKey) && parses(pair.publicKey));
    assert.equal(statSync(pair.path).mode & 0o777, 0o600);
  });
});
