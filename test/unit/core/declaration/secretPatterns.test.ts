import * as assert from 'node:assert/strict';
import { secretKind } from '../../../../src/core/declaration/secretPatterns';

describe('secret-looking env entries (shared by the validator and the form)', () => {
  it('reads names as words: secrets by name, whatever the case style', () => {
    for (const name of ['DB_PASSWORD', 'GITHUB_TOKEN', 'client_secret', 'clientSecret', 'API_KEY', 'api-key', 'AWS_SECRET_ACCESS_KEY', 'PRIVATE_KEY', 'SMTP_PASS']) assert.equal(secretKind(name, 'x'), 'name', name);
    for (const name of ['PASSENGER_COUNT', 'KEYBOARD_LAYOUT', 'MONKEY', 'AUTHOR', 'PORT', 'TOKENIZER_MODEL', 'KEY_PREFIX']) assert.equal(secretKind(name, 'x'), undefined, name);
  });

  it('knows credential-shaped values under any name, and never flags empty values or ${VAR} references', () => {
    assert.equal(secretKind('X', '-----BEGIN RSA PRIVATE KEY-----'), 'value');
    assert.equal(secretKind('X', `ghp_${'a'.repeat(36)}`), 'value');
    assert.equal(secretKind('X', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig'), 'value');
    assert.equal(secretKind('DB_PASSWORD', ''), undefined);
    assert.equal(secretKind('DB_PASSWORD', '${DB_PASSWORD}'), undefined);
  });
});
