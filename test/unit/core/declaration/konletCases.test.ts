import * as assert from 'node:assert/strict';
import { konletVerdict, validateDeclaration } from '../../../../src/core/declaration/validate';
import { konletCases } from '../../../fixtures/konlet-cases';

/**
 * Our konlet mode against konlet's own verdicts and messages (test/fixtures/konlet-cases.ts, each checked
 * by running konlet's ExecStartup on the same YAML).
 */
describe('konlet mode agrees with konlet', () => {
  it('has cases of both verdicts', () => {
    assert.ok(konletCases.some((c) => c.verdict === 'accepted'));
    assert.ok(konletCases.some((c) => c.verdict === 'rejected'));
  });

  for (const c of konletCases) {
    it(`${c.verdict}: ${c.source}`, () => {
      const diagnostics = validateDeclaration(c.yaml, { mode: 'konlet' });
      const result = konletVerdict(diagnostics);
      const shown = `\n--- yaml ---\n${c.yaml}--- diagnostics ---\n${JSON.stringify(diagnostics, null, 2)}`;
      assert.equal(result.verdict, c.verdict, `verdict${shown}`);
      if (result.verdict !== 'rejected') return;

      assert.equal(result.message, c.message, `message${shown}`);

      const lines = c.yaml.split(/\r?\n/);
      const { start, end } = result.diagnostic.range;
      for (const [name, position] of [['start', start], ['end', end]] as const) {
        assert.ok(Number.isInteger(position.line) && position.line >= 0 && position.line < lines.length, `${name} line ${position.line} outside the ${lines.length} lines${shown}`);
        const text = lines[position.line] ?? '';
        assert.ok(Number.isInteger(position.character) && position.character >= 0 && position.character <= text.length, `${name} character ${position.character} outside line ${position.line}${shown}`);
      }
      assert.ok(start.line < end.line || (start.line === end.line && start.character <= end.character), `range ends before it starts${shown}`);
    });
  }
});
