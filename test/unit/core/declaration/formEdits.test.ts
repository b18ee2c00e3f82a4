import * as assert from 'node:assert/strict';
import { applyTextEdits, formEditToTextEdits } from '../../../../src/core/declaration/formEdits';
import type { FormEdit } from '../../../../src/core/declaration/formEdit';

const doc = [
  '# DISCLAIMER: This container declaration format is not public API and may change without notice.',
  '---',
  'spec:',
  '  containers:',
  '  # the app',
  '  - name: app # inline',
  "    image: 'gcr.io/p/app:1'",
  '    args: [a, "b c"]',
  '    env:',
  '    # first',
  '    - name: A',
  '      value: "1"',
  '    # second',
  '    - name: B',
  '      value: x # trailing',
  '    # after env',
  '    securityContext:',
  '  restartPolicy: Always',
  '# end',
  '',
].join('\n');

function edited(edit: FormEdit, text = doc): string {
  return applyTextEdits(text, formEditToTextEdits(text, edit));
}

/** `doc` with line `at` replaced by `lines` (`remove` lines dropped). */
function lines(replace: Record<number, string[]>, text = doc): string {
  return text
    .split('\n')
    .flatMap((line, i) => replace[i] ?? [line])
    .join('\n');
}

describe('form edits: set', () => {
  it('replaces only the scalar, quoting strings YAML 1.1 would retype and keeping the quote style', () => {
    const c = ['spec', 'containers', 0] as const;
    assert.equal(edited({ kind: 'set', path: [...c, 'env', 0, 'value'], value: 'true' }), lines({ 11: ['      value: "true"'] }));
    assert.equal(edited({ kind: 'set', path: [...c, 'env', 1, 'value'], value: 'on' }), lines({ 14: ['      value: "on" # trailing'] }));
    assert.equal(edited({ kind: 'set', path: [...c, 'env', 1, 'value'], value: '8080' }), lines({ 14: ['      value: "8080" # trailing'] }));
    assert.equal(edited({ kind: 'set', path: [...c, 'env', 1, 'value'], value: 'hello from COS' }), lines({ 14: ['      value: hello from COS # trailing'] }));
    assert.equal(edited({ kind: 'set', path: [...c, 'image'], value: "it's:2" }), lines({ 6: ["    image: 'it''s:2'"] }));
    assert.equal(edited({ kind: 'set', path: [...c, 'args', 1], value: 'x' }), lines({ 7: ['    args: [a, "x"]'] }));
    assert.equal(edited({ kind: 'set', path: [...c, 'args', 0], value: 'a,b' }), lines({ 7: ['    args: ["a,b", "b c"]'] }));
    assert.equal(edited({ kind: 'set', path: ['spec', 'restartPolicy'], value: 'Never' }), lines({ 17: ['  restartPolicy: Never'] }));
  });

  it('adds a missing key after the last sibling, and fills an empty map', () => {
    const c = ['spec', 'containers', 0] as const;
    assert.equal(edited({ kind: 'set', path: [...c, 'stdin'], value: true }), lines({ 16: ['    securityContext:', '    stdin: true'] }));
    assert.equal(edited({ kind: 'set', path: [...c, 'securityContext', 'privileged'], value: false }), lines({ 16: ['    securityContext:', '      privileged: false'] }));
    assert.equal(edited({ kind: 'set', path: [...c, 'env', 0, 'value'], value: null }), lines({ 11: ['      value: null'] }));
  });

  it('keeps CRLF line ends', () => {
    const crlf = doc.replace(/\n/g, '\r\n');
    assert.equal(edited({ kind: 'set', path: ['spec', 'containers', 0, 'tty'], value: true }, crlf), lines({ 16: ['    securityContext:', '    tty: true'] }).replace(/\n/g, '\r\n'));
  });

  it('throws declaration/invalid on broken YAML and on paths that do not fit', () => {
    const code = (text: string, edit: FormEdit) => {
      try {
        formEditToTextEdits(text, edit);
        return 'no error';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    assert.equal(code('spec: [a\n', { kind: 'set', path: ['spec'], value: 1 }), 'declaration/invalid');
    assert.equal(code(doc, { kind: 'set', path: ['spec', 'restartPolicy', 0], value: 'x' }), 'declaration/invalid');
    assert.equal(code(doc, { kind: 'set', path: ['spec', 'containers', 0, 'env'], value: 'x' }), 'declaration/invalid');
    assert.equal(code(doc, { kind: 'remove', path: ['spec', 'volumes'] }), 'declaration/invalid');
  });
});

describe('form edits: remove', () => {
  const c = ['spec', 'containers', 0] as const;
  it('removes an item’s lines with its own trailing comment, keeping the comments around it', () => {
    assert.equal(edited({ kind: 'remove', path: [...c, 'env', 1] }), lines({ 13: [], 14: [] }));
    assert.equal(edited({ kind: 'remove', path: [...c, 'image'] }), lines({ 6: [] }));
  });

  it('moves the next key up after the dash when the first key of an item goes', () => {
    assert.equal(edited({ kind: 'remove', path: [...c, 'name'] }), lines({ 5: ['  - image: \'gcr.io/p/app:1\''], 6: [] }));
  });

  it('removes inside a flow list, and the key of a list that becomes empty', () => {
    assert.equal(edited({ kind: 'remove', path: [...c, 'args', 1] }), lines({ 7: ['    args: [a]'] }));
    assert.equal(edited({ kind: 'remove', path: [...c, 'args', 0] }), lines({ 7: ['    args: ["b c"]'] }));
    const once = edited({ kind: 'remove', path: [...c, 'env', 1] });
    assert.equal(edited({ kind: 'remove', path: [...c, 'env', 0] }, once), lines({ 8: [], 9: [], 10: [], 11: [], 13: [], 14: [] }));
    assert.equal(edited({ kind: 'remove', path: [...c, 'args', 0] }, edited({ kind: 'remove', path: [...c, 'args', 1] })), lines({ 7: [] }));
  });

  it('writes {} for a list item whose last key goes', () => {
    const text = 'spec:\n  containers:\n  - name: a # c\n';
    assert.equal(edited({ kind: 'remove', path: ['spec', 'containers', 0, 'name'] }, text), 'spec:\n  containers:\n  - {} # c\n');
  });
});

describe('form edits: insert', () => {
  const c = ['spec', 'containers', 0] as const;
  it('adds a block item at the index, above the comment that heads the next item', () => {
    assert.equal(edited({ kind: 'insert', path: [...c, 'env'], index: 1, value: { name: 'C', value: '8080' } }), lines({ 11: ['      value: "1"', '    - name: C', '      value: "8080"'] }));
    assert.equal(edited({ kind: 'insert', path: [...c, 'env'], value: { name: 'D' } }), lines({ 14: ['      value: x # trailing', '    - name: D'] }));
    assert.equal(edited({ kind: 'insert', path: [...c, 'env'], index: 0, value: { name: 'Z' } }), lines({ 9: ['    - name: Z', '    # first'] }));
  });

  it('inserts inside a flow list', () => {
    assert.equal(edited({ kind: 'insert', path: [...c, 'args'], value: 'on' }), lines({ 7: ['    args: [a, "b c", "on"]'] }));
    assert.equal(edited({ kind: 'insert', path: [...c, 'args'], index: 0, value: '-f' }), lines({ 7: ['    args: [-f, a, "b c"]'] }));
  });

  it('creates a missing list in the document’s dash style', () => {
    assert.equal(
      edited({ kind: 'insert', path: ['spec', 'volumes'], value: { name: 'v', emptyDir: { medium: 'Memory' } } }),
      lines({ 17: ['  restartPolicy: Always', '  volumes:', '  - name: v', '    emptyDir:', '      medium: Memory'] }),
    );
    const indented = 'spec:\n  containers:\n    - name: a\n      command:\n        - sh # c\n';
    assert.equal(edited({ kind: 'insert', path: ['spec', 'containers', 0, 'args'], value: '-c' }, indented), `${indented}      args:\n        - -c\n`);
  });
});
