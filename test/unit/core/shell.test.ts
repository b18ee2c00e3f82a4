import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { shellCommand, shellQuote } from '../../../src/core/shell';

describe('shellQuote', () => {
  const hostile = ["app.service", "a b", "x'; rm -rf / #", '$(id)', '`id`', "it's", '', '-n', 'a\nb', '"q"', '\\'];
  for (const word of hostile) {
    it(`round-trips ${JSON.stringify(word)} through a real sh`, () => {
      const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(word)}`]).toString();
      assert.equal(echoed, word);
    });
  }

  it('leaves safe words bare and joins argv', () => {
    assert.equal(shellCommand(['journalctl', '-u', 'konlet-startup', "a'b"]), `journalctl -u konlet-startup 'a'\\''b'`);
  });
});
