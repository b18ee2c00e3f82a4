import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';
import { tempDir } from '../support/tempDir';

const cli = path.join(repoRoot, 'dist/cli.js');
const cosvm = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('the cosvm CLI (dist/cli.js)', () => {
  const dir = tempDir('cosvm-cli-');
  const good = path.join(dir, 'good.cosvm.yaml');
  const bad = path.join(dir, 'bad.cosvm.yaml');
  writeFileSync(good, `spec:\n  containers:\n  - name: web\n    image: nginx@sha256:${'a'.repeat(64)}\n`);
  writeFileSync(bad, 'spec:\n  containers:\n  - name: web\n    image: nginx\n  restartPolicy: always\n');

  it('validate exits 0 without errors and 1 with errors, printing file:line:col', () => {
    assert.equal(cosvm('validate', good).status, 0);
    const result = cosvm('validate', '--mode', 'konlet', good, bad);
    assert.equal(result.status, 1);
    assert.match(result.stdout, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:18: error: .*\\[cosvm/restart-policy\\]`));
  });

  it('validate --json prints files with 0-based ranges', () => {
    const result = cosvm('validate', '--json', bad);
    const parsed = JSON.parse(result.stdout) as { file: string; diagnostics: { severity: string; code: string; message: string; range: { start: { line: number; character: number } } }[] }[];
    assert.equal(parsed[0]?.file, bad);
    const policy = parsed[0]?.diagnostics.find((d) => d.code === 'cosvm/restart-policy');
    assert.deepEqual(policy?.range.start, { line: 4, character: 17 });
    assert.equal(policy?.severity, 'error');
    assert.deepEqual(Object.keys(policy ?? {}).sort(), ['code', 'message', 'range', 'severity']);
  });

  it('exits 2 on usage and I/O errors', () => {
    assert.equal(cosvm('validate').status, 2);
    assert.equal(cosvm('validate', '--mode', 'k8s', good).status, 2);
    assert.equal(cosvm('frobnicate', good).status, 2);
    const missing = cosvm('validate', path.join(dir, 'nope.yaml'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read .*ENOENT/);
  });

  it('render prints each target, and refuses a declaration with errors', () => {
    for (const target of ['konlet', 'cloud-init', 'startup-script', 'docker-run', 'kubernetes', 'gcloud']) {
      const result = cosvm('render', '--to', target, good);
      assert.equal(result.status, 0, `${target}: ${result.stderr}`);
      assert.ok(result.stdout.length > 20, target);
    }
    assert.match(cosvm('render', '--to', 'docker-run', good).stdout, /^docker run -d --name web --network host --restart always nginx@sha256:a+\n$/);
    const refused = cosvm('render', '--to', 'konlet', bad);
    assert.equal(refused.status, 1);
    assert.equal(refused.stdout, '');
  });

  it('judges a file by the mode it asks for, like the editor does', () => {
    const konletFile = path.join(dir, 'from-vm.cosvm.yaml');
    // gcloud's header marks a konlet value: one unnamed container is fine there, not in cloud-init mode.
    writeFileSync(konletFile, `# DISCLAIMER:\n# x\n\nspec:\n  containers:\n  - image: nginx@sha256:${'a'.repeat(64)}\n`);
    assert.equal(cosvm('validate', konletFile).status, 0);
    assert.equal(cosvm('validate', '--mode', 'cloud-init', konletFile).status, 1);
  });
});
