import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { hostKeyFingerprint, publicKeyBlob } from '../../../../src/core/ssh/hostKey';
import { tempDir } from '../../../support/tempDir';

describe('host key fingerprints', () => {
  it('match ssh-keygen -l for a fresh key', () => {
    const dir = tempDir('cosvm-key-');
    const key = path.join(dir, 'k');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key}.pub`]).toString().split(/\s+/)[1];
    assert.equal(hostKeyFingerprint(publicKeyBlob(readFileSync(`${key}.pub`, 'utf8'))), expected);
  });

  it('rejects a line that is not a public key', () => {
    assert.throws(() => publicKeyBlob('garbage'), /Not an SSH public key/);
  });
});
