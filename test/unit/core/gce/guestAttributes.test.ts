import * as assert from 'node:assert/strict';
import { parseHostKeyAttributes } from '../../../../src/core/gce/guestAttributes';

const ed = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const ecdsa = 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=';

describe('host keys from guest attributes', () => {
  it('keeps hostkeys of the three gcloud types, cut at whitespace, and skips everything else', () => {
    const body = {
      kind: 'compute#guestAttributes',
      queryPath: 'hostkeys/',
      queryValue: {
        items: [
          { namespace: 'hostkeys', key: 'ssh-ed25519', value: `${ed} root@vm\n` },
          { namespace: 'hostkeys', key: 'ecdsa-sha2-nistp256', value: ecdsa },
          { namespace: 'hostkeys', key: 'ssh-dss', value: ed },
          { namespace: 'other', key: 'ssh-rsa', value: ed },
          { namespace: 'hostkeys', key: 'ssh-rsa', value: 'not base64!' },
          { namespace: 'hostkeys', key: 'ssh-rsa', value: 'AAAAB3NzaC1yc2E' },
          { namespace: 'hostkeys', key: 'ssh-rsa', value: 42 },
          null,
          'junk',
        ],
      },
    };
    assert.deepEqual(parseHostKeyAttributes(body), [
      { type: 'ssh-ed25519', blob: ed },
      { type: 'ecdsa-sha2-nistp256', blob: ecdsa },
    ]);
  });

  it('reads an answer without items (or no answer) as no keys', () => {
    assert.deepEqual(parseHostKeyAttributes({ kind: 'compute#guestAttributes', queryValue: {} }), []);
    assert.deepEqual(parseHostKeyAttributes(null), []);
    assert.deepEqual(parseHostKeyAttributes({ queryValue: { items: 'x' } }), []);
  });
});
