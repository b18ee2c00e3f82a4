import * as assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { ensureKeyPair, expiringKeyEntry, mergeSshKeys } from '../../../../src/core/ssh/keys';
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
});
