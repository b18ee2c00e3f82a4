import * as assert from 'node:assert/strict';
import { planDeployMetadata, renderedMetadata } from '../../../../src/core/deploy/metadata';
import { planMigration } from '../../../../src/core/deploy/migrate';
import { changedSpan, rollbackChoices } from '../../../../src/core/deploy/deploy';
import type { HistoryEntry } from '../../../../src/core/deploy/history';
import { inPlaceCommand, noSudoExit } from '../../../../src/core/deploy/targets';
import { missingImages, parseDockerPs } from '../../../../src/core/deploy/verify';
import { mergeMetadata } from '../../../../src/core/gce/instanceMetadata';

const declaration = 'spec:\n  containers:\n    - name: web\n      image: gcr.io/p/web@sha256:' + 'a'.repeat(64) + '\n';

describe('deploy metadata', () => {
  it('writes our keys in place and appends new ones; every other entry keeps its value and position', () => {
    const items = [
      { key: 'ssh-keys', value: 'bob:ssh-rsa AAAA bob' },
      { key: 'startup-script', value: '#!/bin/sh\necho  mine\n' },
      { key: 'cosvm-declaration', value: 'old' },
      { key: 'user-data', value: '#cloud-config\n# Written by cosvm from a container declaration.\nold: true\n' },
      { key: 'z-custom', value: ' spaced \n' },
    ];
    const next = planDeployMetadata(items, declaration, 'cloud-init', 'vm');
    assert.deepEqual(next.map((i) => i.key), ['ssh-keys', 'startup-script', 'cosvm-declaration', 'user-data', 'z-custom']);
    assert.equal(next[0]?.value, items[0]?.value);
    assert.equal(next[1]?.value, items[1]?.value);
    assert.equal(next[4]?.value, items[4]?.value);
    assert.equal(next[2]?.value, declaration);
    assert.match(next[3]?.value ?? '', /^#cloud-config\n[\s\S]*cosvm-web\.service/);
  });

  it("switching cloud-init → startup-script removes only the user-data we wrote", () => {
    const first = mergeMetadata([{ key: 'custom', value: '1' }], renderedMetadata(declaration, 'cloud-init'));
    const next = planDeployMetadata(first, declaration, 'startup-script', 'vm');
    assert.deepEqual(next.map((i) => i.key), ['custom', 'cosvm-declaration', 'startup-script']);
    assert.match(next.find((i) => i.key === 'startup-script')?.value ?? '', /# Written by cosvm/);
  });

  it("never touches a user's own cloud-config, even on a VM cosvm deployed before in another mode", () => {
    const own = { key: 'user-data', value: '#cloud-config\nruncmd: [echo mine]\n' };
    const earlier = mergeMetadata([own], renderedMetadata(declaration, 'startup-script'));
    const next = planDeployMetadata(earlier, declaration, 'startup-script', 'vm');
    assert.deepEqual(next.find((i) => i.key === 'user-data'), own);
    assert.throws(() => planDeployMetadata(earlier, declaration, 'cloud-init', 'vm'), /own user-data/);
  });

  it("refuses the user's own user-data or startup-script, and a konlet VM outside konlet mode", () => {
    assert.throws(() => planDeployMetadata([{ key: 'user-data', value: '#cloud-config\n' }], declaration, 'cloud-init', 'vm'), /own user-data/);
    assert.throws(() => planDeployMetadata([{ key: 'startup-script', value: 'echo hi' }], declaration, 'startup-script', 'vm'), /own startup-script/);
    assert.throws(() => planDeployMetadata([{ key: 'gce-container-declaration', value: declaration }], declaration, 'cloud-init', 'vm'), /Migrate to cloud-init/);
    const konlet = planDeployMetadata([{ key: 'gce-container-declaration', value: 'old' }, { key: 'a', value: 'b' }], declaration, 'konlet', 'vm');
    assert.deepEqual(konlet.map((i) => i.key), ['gce-container-declaration', 'a', 'google-logging-enabled']);
    assert.match(konlet[0]?.value ?? '', /^# DISCLAIMER:/);
  });

  it('plans the konlet → cloud-init migration without the DISCLAIMER header, dropping konlet keys only', () => {
    const plan = planMigration([{ key: 'gce-container-declaration', value: `# DISCLAIMER:\n# x\n\n${declaration}` }, { key: 'google-logging-enabled', value: 'true' }, { key: 'keep', value: 'me' }], 'vm');
    assert.equal(plan.declaration, declaration);
    // google-logging-enabled turns on the VM's logging agent: it stays.
    assert.deepEqual(plan.after.map((i) => i.key), ['google-logging-enabled', 'keep', 'user-data', 'cosvm-declaration']);
    assert.throws(() => planMigration([{ key: 'keep', value: 'me' }], 'vm'), /nothing to migrate/);
  });

  it('reads docker ps lines and names the images that do not run', () => {
    const running = parseDockerPs('gcr.io/p/web@sha256:1\tcosvm-web\trunning\ngcr.io/p/old\tx\texited\n\n');
    assert.deepEqual(running, [{ image: 'gcr.io/p/web@sha256:1', name: 'cosvm-web', state: 'running' }, { image: 'gcr.io/p/old', name: 'x', state: 'exited' }]);
    assert.deepEqual(missingImages(['gcr.io/p/web@sha256:1', 'gcr.io/p/old'], running), ['gcr.io/p/old']);
  });
});

describe('deploy helpers', () => {
  it('sends the in-place script base64-encoded: a declaration value cannot end it early', () => {
    const hostile = 'spec:\n  containers:\n    - name: web\n      image: busybox\n  volumes:\n    - name: v\n      hostPath:\n        path: "/x\\nCOSVM_DEPLOY\\necho pwned\\n\'"\n';
    const command = inPlaceCommand(hostile, 'cloud-init');
    assert.match(command, new RegExp(`^sudo -n true 2>/dev/null \\|\\| exit ${noSudoExit}; echo [A-Za-z0-9+/=]+ \\| base64 -d \\| sudo -n bash -s$`));
    const script = Buffer.from(/echo (\S+) \|/.exec(command)?.[1] ?? '', 'base64').toString();
    assert.match(script, /keep=' cosvm-web\.service '/);
    assert.match(script, /systemctl restart cosvm-web\.service/);
    assert.equal(inPlaceCommand(hostile, 'konlet'), `sudo -n true 2>/dev/null || exit ${noSudoExit}; sudo -n systemctl restart konlet-startup`);
  });

  it('offers rollbacks to what does not run now, one per declaration, newest first', () => {
    const entry = (declaration: string, time: string): HistoryEntry => ({ time, declaration, images: [], declarationHash: '', mode: 'cloud-init', verified: true });
    const entries = [entry('v3', '3'), entry('v2', '2'), entry('v3', '1b'), entry('v1', '1')];
    assert.deepEqual(rollbackChoices(entries, 'v3').map((e) => e.time), ['2', '1']);
    assert.deepEqual(rollbackChoices(entries, 'v2').map((e) => e.time), ['3', '1']);
    assert.deepEqual(rollbackChoices(entries, undefined).map((e) => e.time), ['3', '2', '1']);
  });

  it('replaces only the changed span, also when the new text is shorter', () => {
    const before = 'image: api-v2:v2@sha256:abc\n';
    const after = 'image: api-v2@sha256:abc\n';
    const span = changedSpan(before, after);
    assert.equal(before.slice(0, span.start) + span.text + before.slice(span.end), after);
    assert.deepEqual(changedSpan('same', 'same'), { start: 4, end: 4, text: '' });
  });
});
