import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { scanBlockYaml } from '../../../../src/core/declaration/blockYaml';
import { parseDeclaration } from '../../../../src/core/declaration/parse';
import { validateParsed } from '../../../../src/core/declaration/validate';
import { konletCases } from '../../../fixtures/konlet-cases';
import { repoRoot } from '../../../support/paths';
import { gcloudCanonical } from '../../../fixtures/gcloudCanonical';

/** The fast block reader must give exactly what the full parser gives, or decline. */
function assertSame(text: string, label: string): boolean {
  if (!scanBlockYaml(text)) return false;
  const fast = parseDeclaration(text);
  const full = parseDeclaration(text, { fastPath: false });
  assert.deepEqual(fast.declaration, full.declaration, `${label}: declaration\n${text}`);
  assert.deepEqual(validateParsed(fast, { mode: 'konlet' }), validateParsed(full, { mode: 'konlet' }), `${label}: diagnostics\n${text}`);
  assert.deepEqual([...fast.locations.entries()], [...full.locations.entries()], `${label}: locations\n${text}`);
  return true;
}

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the fast block-YAML reader', function () {
  this.timeout(120_000);

  it('reads the common documents itself', () => {
    assert.ok(assertSame(gcloudCanonical, 'gcloud canonical'));
    assert.ok(assertSame(readFileSync(path.join(repoRoot, 'examples/hello.cosvm.yaml'), 'utf8'), 'example'));
  });

  it('agrees with the full parser on every konlet case it accepts', () => {
    let taken = 0;
    for (const c of konletCases) if (assertSame(c.yaml, c.source)) taken++;
    assert.ok(taken > konletCases.length / 2, `only ${taken} of ${konletCases.length} taken`);
  });

  it('declines what it does not know', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: [1, 2]\n', 'a: |\n  text\n', 'a: b\n  c\n', '---\na: 1\n', 'a:\n\tb: 1\n', 'a: "x\n', '"k": v\n', 'a: !!str 1\n', '<<: {}\n']) {
      assert.equal(scanBlockYaml(text), undefined, JSON.stringify(text));
    }
  });

  it('agrees with the full parser on 20,000 mutated documents', () => {
    const random = prng(7);
    const seeds = [gcloudCanonical, readFileSync(path.join(repoRoot, 'examples/hello.cosvm.yaml'), 'utf8')];
    const pieces = ['- ', ': ', ' ', '\n', '  ', '#', "'", '"', 'yes', '0123', '~', 'null', '[]', '{}', 'x', '-', ':'];
    let taken = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = seeds[i % seeds.length] ?? '';
      for (let step = 0; step < 1 + Math.floor(random() * 3); step++) {
        const at = Math.floor(random() * text.length);
        text = random() < 0.5 ? text.slice(0, at) + (pieces[Math.floor(random() * pieces.length)] ?? '') + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 6));
      }
      if (assertSame(text, `mutation ${i}`)) taken++;
    }
    assert.ok(taken > 2_000, `the fast path took only ${taken} documents`);
  });
});
