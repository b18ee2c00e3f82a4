import * as assert from 'node:assert/strict';
import { quickFixes } from '../../../../src/core/declaration/fixes';
import { parseDeclaration } from '../../../../src/core/declaration/parse';
import { validateParsed } from '../../../../src/core/declaration/validate';
import { applyEdits } from '../../../support/textEdits';

/** Applies the first fix for `code` and returns the new text; the code must be gone and no new error appear. */
function fix(text: string, code: string, mode: 'konlet' | 'cloud-init' = 'konlet'): string {
  const parsed = parseDeclaration(text);
  const before = validateParsed(parsed, { mode });
  const diagnostic = before.find((d) => d.code === code);
  assert.ok(diagnostic, `no ${code} in ${JSON.stringify(before.map((d) => d.code))}`);
  const [first] = quickFixes(parsed, diagnostic);
  assert.ok(first && first.edits.length > 0, `no fix for ${code}`);
  const fixed = applyEdits(text, first.edits);
  const after = validateParsed(parseDeclaration(fixed), { mode });
  assert.ok(!after.some((d) => d.code === code), `${code} still there after the fix:\n${fixed}`);
  const newErrors = after.filter((d) => d.severity === 'error' && !before.some((b) => b.code === d.code));
  assert.deepEqual(newErrors, [], fixed);
  return fixed;
}

const base = (extra: string) => `# my service\nspec:\n  containers:\n  - name: app # the app\n    image: gcr.io/p/app@sha256:${'a'.repeat(64)}\n${extra}`;

describe('quick fixes', () => {
  it('fixes the case of restartPolicy values and keys', () => {
    assert.match(fix(base('  restartPolicy: always\n'), 'cosvm/restart-policy'), /restartPolicy: Always\n$/);
    assert.match(fix(base('  restartPolicy: on-failure\n'), 'cosvm/restart-policy'), /restartPolicy: OnFailure\n$/);
    assert.match(fix(base('  restartpolicy: Never\n'), 'cosvm/wrong-case-key'), /  restartPolicy: Never\n$/);
  });

  it('unquotes a quoted boolean and keeps the comments', () => {
    const fixed = fix(base('    tty: "true"  # keep me\n'), 'cosvm/type-mismatch');
    assert.match(fixed, /    tty: true  # keep me\n/);
    assert.match(fixed, /^# my service\n/);
  });

  it('adds a missing volume to an existing list, in its style', () => {
    const text = base('    volumeMounts:\n    - name: data\n      mountPath: /data\n    - name: logs\n      mountPath: /logs\n  volumes:\n  - name: logs\n    hostPath:\n      path: /var/log/app\n');
    const fixed = fix(text, 'cosvm/volume-not-found');
    assert.match(fixed, /  - name: logs\n    hostPath:\n      path: \/var\/log\/app\n  - name: data\n    hostPath:\n      path: \/mnt\/stateful_partition\/data\n$/);
  });

  it('adds spec.volumes when there is none', () => {
    const fixed = fix(base('    volumeMounts:\n    - name: data\n      mountPath: /data\n  restartPolicy: Always\n'), 'cosvm/volume-not-found');
    assert.match(fixed, /  restartPolicy: Always\n  volumes:\n  - name: data\n/);
  });

  it('removes an unreferenced volume and nothing else', () => {
    const text = base('    volumeMounts:\n    - name: a\n      mountPath: /a\n  volumes:\n  - name: a\n    emptyDir:\n      medium: Memory\n  - name: unused\n    hostPath:\n      path: /var/x\n  restartPolicy: Never\n');
    const fixed = fix(text, 'cosvm/volume-unreferenced');
    assert.equal(fixed, text.replace('  - name: unused\n    hostPath:\n      path: /var/x\n', ''));
  });

  it('splits a command that holds spaces into command and args', () => {
    const fixed = fix(base('    command:\n    - echo hello world\n'), 'cosvm/command-whitespace');
    assert.match(fixed, /    command:\n    - echo\n    args:\n    - hello\n    - world\n$/);
    const withArgs = fix(base('    command:\n    - sh -c\n    args:\n    - exit 0\n    - x\n'), 'cosvm/command-whitespace');
    assert.match(withArgs, /    command:\n    - sh\n    args:\n    - -c\n    - exit 0\n/);
  });

  it('fixes emptyDir medium and fsType', () => {
    const volume = (v: string) => base(`    volumeMounts:\n    - name: v\n      mountPath: /v\n  volumes:\n  - name: v\n${v}`);
    assert.match(fix(volume('    emptyDir:\n      medium: memory\n'), 'cosvm/emptydir-medium'), /medium: Memory/);
    assert.match(fix(volume('    gcePersistentDisk:\n      pdName: d\n      fsType: xfs\n'), 'cosvm/fs-type'), /fsType: ext4/);
  });

  it('quotes split words that YAML would read as something else', () => {
    const fixed = fix(base('    command:\n    - "redis-server --port 6379 key: yes"\n'), 'cosvm/command-whitespace');
    assert.match(fixed, /    command:\n    - redis-server\n    args:\n    - --port\n    - "6379"\n    - "key:"\n    - "yes"\n$/);
  });

  it('offers no line-based fix for flow-style lists, which would corrupt them', () => {
    const flow = base('    volumeMounts:\n    - name: b\n      mountPath: /b\n    - name: data\n      mountPath: /data\n  volumes: [{name: a, emptyDir: {medium: Memory}}, {name: b, emptyDir: {medium: Memory}}]\n');
    const parsed = parseDeclaration(flow);
    const diagnostics = validateParsed(parsed, { mode: 'konlet' });
    for (const code of ['cosvm/volume-unreferenced', 'cosvm/volume-not-found']) {
      const diagnostic = diagnostics.find((d) => d.code === code);
      assert.ok(diagnostic, code);
      assert.deepEqual(quickFixes(parsed, diagnostic), [], code);
    }
  });
});
