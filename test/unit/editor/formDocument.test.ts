import * as assert from 'node:assert/strict';
import { formDocument, formPathOf } from '../../../src/editor/formDocument';

describe('form document: what the form shows for a declaration text', () => {
  it('reads location keys as form paths', () => {
    assert.deepEqual(formPathOf('spec.containers[0].env[12].value'), ['spec', 'containers', 0, 'env', 12, 'value']);
    assert.deepEqual(formPathOf('spec.restartPolicy'), ['spec', 'restartPolicy']);
  });

  it('puts each diagnostic on the field it concerns and renders previews only without errors', () => {
    const text = 'spec:\n  containers:\n  - name: web\n    image: nginx@sha256:' + 'a'.repeat(64) + '\n    env:\n    - name: DB_PASSWORD\n      value: hunter2\n  restartPolicy: always\n';
    const form = formDocument(text, 'cloud-init', 7);
    assert.equal(form.version, 7);
    const restart = form.diagnostics.find((d) => d.code === 'cosvm/restart-policy');
    assert.deepEqual(restart?.path, ['spec', 'restartPolicy']);
    const secret = form.diagnostics.find((d) => d.code.includes('secret'));
    assert.deepEqual(secret?.path.slice(0, 5), ['spec', 'containers', 0, 'env', 0]);
    assert.deepEqual(form.previews, {});
    const fixed = formDocument(text.replace('always', 'Always').replace('DB_PASSWORD', 'GREETING').replace('hunter2', 'hello'), 'cloud-init', 8);
    assert.equal(fixed.diagnostics.filter((d) => d.severity === 'error').length, 0);
    assert.match(fixed.previews.cloudInit ?? '', /^#cloud-config/);
    assert.match(fixed.previews.konlet ?? '', /spec:/);
    assert.match(fixed.previews.dockerRun ?? '', /^docker run /);
  });

  it('turns read-only with the line and column of a syntax error', () => {
    const form = formDocument('spec:\n  containers:\n\t- name: web\n', 'konlet', 1);
    assert.equal(form.declaration, undefined);
    assert.equal(form.syntaxError?.line, 3);
    assert.ok(form.syntaxError?.message);
  });
});
