import * as assert from 'node:assert/strict';
import { Redactor } from '../../../src/core/redact';

describe('Redactor', () => {
  it('masks registered values everywhere', () => {
    const redactor = new Redactor();
    redactor.addSecret('s3cr3t-value');
    assert.equal(redactor.redact('login with s3cr3t-value and s3cr3t-value'), 'login with **** and ****');
  });

  it('masks private keys, tokens, bearer headers and URL credentials it never saw', () => {
    const redactor = new Redactor();
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    const text = [
      `key: ${key}`,
      'token ya29.a0AfH6SMBx-abc_DEF.123',
      'Authorization: Bearer abcdefghijklmnop',
      'https://user:hunter2@registry.example.com/v2/',
      'DB_PASSWORD=swordfish',
      '{"password": "pa55word"}',
    ].join('\n');
    const out = redactor.redact(text);
    for (const secret of ['b3BlbnNzaC1rZXktdjEAAAAA', 'ya29.a0AfH6SMBx', 'abcdefghijklmnop', 'hunter2', 'swordfish', 'pa55word']) {
      assert.ok(!out.includes(secret), `${secret} leaked in:\n${out}`);
    }
    assert.match(out, /https:\/\/user:\*\*\*\*@registry/);
    assert.match(out, /DB_PASSWORD=\*\*\*\*/);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Step 2/3 : COPY busybox /bin/busybox\ndigest: sha256:abc size: 527';
    assert.equal(new Redactor().redact(text), text);
  });
});
