import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { completionsAt, fieldAt } from '../../../../src/core/declaration/cursor';
import { quickFixes } from '../../../../src/core/declaration/fixes';
import { parseDeclaration } from '../../../../src/core/declaration/parse';
import { validateParsed } from '../../../../src/core/declaration/validate';
import { repoRoot } from '../../../support/paths';

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seedDocuments = [
  readFileSync(path.join(repoRoot, 'examples/hello.cosvm.yaml'), 'utf8'),
  'spec:\n  containers:\n  - args:\n    - -c\n    - echo hi\n    command:\n    - /bin/sh\n    env:\n    - name: A\n      value: \'1\'\n    image: gcr.io/p/app:1\n    name: my-vm\n    securityContext:\n      privileged: true\n    stdin: true\n    tty: true\n    volumeMounts:\n    - mountPath: /data\n      name: host-path-0\n      readOnly: true\n    - mountPath: /pd\n      name: pd-0\n  restartPolicy: OnFailure\n  volumes:\n  - hostPath:\n      path: /var/data\n    name: host-path-0\n  - gcePersistentDisk:\n      fsType: ext4\n      pdName: d1\n      partition: 1\n    name: pd-0\n',
];
const fragments = ['-', ':', ' ', '\n', '\t', '"', "'", '#', '[', ']', '{', '}', '&a', '*a', '!!str', '|', '>', '~', 'null', 'yes', '"true"', '0x1F', 'spec', 'containers', 'volumes', '  - name: x\n', '\u00e9', '\u{1F600}', '\r\n', '---\n', '...', '%YAML 1.1\n', '<<: *a'];

function mutate(text: string, random: () => number): string {
  let out = text;
  const steps = 1 + Math.floor(random() * 4);
  for (let i = 0; i < steps; i++) {
    const at = Math.floor(random() * (out.length + 1));
    const choice = random();
    if (choice < 0.4) out = out.slice(0, at) + (fragments[Math.floor(random() * fragments.length)] ?? '') + out.slice(at);
    else if (choice < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 12));
    else if (choice < 0.85) {
      const from = Math.floor(random() * out.length);
      out = out.slice(0, at) + out.slice(from, from + Math.floor(random() * 40)) + out.slice(at);
    } else out = out.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x2fff)) + out.slice(at);
  }
  return out;
}

describe('declaration fuzzing', function () {
  this.timeout(120_000);

  it('never throws on 10,000 mutated documents, and every range lies inside its document', () => {
    const random = prng(20261123);
    for (let i = 0; i < 10_000; i++) {
      const text = mutate(seedDocuments[i % seedDocuments.length] ?? '', random);
      const lines = text.split(/\r\n|\r|\n/);
      const inside = (p: { line: number; character: number }) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= (lines[p.line]?.length ?? 0);
      for (const mode of ['konlet', 'cloud-init'] as const) {
        const parsed = parseDeclaration(text);
        for (const d of validateParsed(parsed, { mode })) {
          assert.ok(inside(d.range.start) && inside(d.range.end), `case ${i} (${mode}): ${d.code} at ${JSON.stringify(d.range)} outside:\n${JSON.stringify(text)}`);
          for (const fix of quickFixes(parsed, d)) for (const edit of fix.edits) assert.ok(edit.range.start.line <= lines.length, `case ${i}: fix outside`);
        }
      }
      const line = Math.floor(random() * lines.length);
      const position = { line, character: Math.floor(random() * ((lines[line]?.length ?? 0) + 1)) };
      completionsAt(text, position);
      fieldAt(text, position);
    }
  });
});
