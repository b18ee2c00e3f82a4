import * as assert from 'node:assert/strict';
import type { FormDiagnostic } from '../../../src/editor/protocol';
import { hostPathHint } from '../../../webview/cosPaths';
import { addContainer, addEnv, addMount, addVolume, giveKind, partitionEdit, uniqueName } from '../../../webview/edits';
import { isPinned, readDeclaration } from '../../../webview/model';
import { pathKey, placeDiagnostics, summarize } from '../../../webview/paths';
import { secretReason } from '../../../webview/secrets';
import { readViewState } from '../../../webview/state';

const diagnostic = (path: FormDiagnostic['path'], severity: FormDiagnostic['severity'] = 'error'): FormDiagnostic => ({ path, severity, message: 'm', code: 'cosvm/x' });

describe('webview helpers', () => {
  describe('placeDiagnostics', () => {
    const anchors = [['spec', 'containers'], ['spec', 'containers', 0], ['spec', 'containers', 0, 'env', 1], ['spec', 'containers', 0, 'env', 1, 'value']];

    it('puts a diagnostic at the deepest anchor whose path is its prefix', () => {
      const placed = placeDiagnostics([diagnostic(['spec', 'containers', 0, 'env', 1, 'value'])], anchors);
      assert.equal(placed.get(pathKey(['spec', 'containers', 0, 'env', 1, 'value']))?.length, 1);
      assert.equal(placed.size, 1);
    });

    it('falls back to the row for a key the form does not show, and to "" when nothing covers it', () => {
      const placed = placeDiagnostics([diagnostic(['spec', 'containers', 0, 'env', 1, 'valueFrom']), diagnostic(['spec', 'hostNetwork'], 'warning')], anchors);
      assert.equal(placed.get(pathKey(['spec', 'containers', 0, 'env', 1]))?.length, 1);
      assert.equal(placed.get('')?.[0]?.severity, 'warning');
    });

    it('does not treat index 1 as a prefix of index 10', () => {
      const placed = placeDiagnostics([diagnostic(['spec', 'containers', 0, 'env', 10, 'name'])], anchors);
      assert.equal(placed.get(pathKey(['spec', 'containers', 0]))?.length, 1);
    });

    it('summarises by severity', () => {
      assert.equal(summarize([]), 'No problems');
      assert.equal(summarize([diagnostic(['spec']), diagnostic(['spec']), diagnostic(['spec'], 'warning')]), '2 errors, 1 warning');
    });
  });

  describe('secretReason', () => {
    it('flags secret-looking names with a value, and credential-shaped values under any name', () => {
      for (const name of ['DB_PASSWORD', 'GITHUB_TOKEN', 'client_secret', 'API_KEY', 'AWS_SECRET_ACCESS_KEY']) assert.ok(secretReason(name, 'x'), name);
      assert.ok(secretReason('X', '-----BEGIN RSA PRIVATE KEY-----'));
      assert.ok(secretReason('X', `ghp_${'a'.repeat(36)}`));
    });

    it('leaves ordinary and empty entries alone', () => {
      for (const name of ['PORT', 'KEYBOARD_LAYOUT', 'MONKEY', 'LOG_LEVEL', 'AUTHOR', 'PASSENGER_COUNT']) assert.equal(secretReason(name, 'x'), undefined, name);
      assert.equal(secretReason('DB_PASSWORD', ''), undefined);
    });
  });

  describe('hostPathHint (konlet-spec §5)', () => {
    const tone = (path: string) => hostPathHint(path)?.tone;
    it('knows the COS file system', () => {
      assert.equal(tone('/opt/app'), 'error');
      assert.equal(tone('/mnt/x'), 'error');
      assert.equal(tone('relative'), 'warning'); // Docker would make it a named volume
      assert.equal(tone('/var/app'), 'ok');
      assert.match(hostPathHint('/home/me/app')?.text ?? '', /noexec/);
      assert.equal(tone('/tmp/x'), 'warning');
      assert.equal(tone('/etc/app'), 'warning');
      assert.equal(tone('/mnt/stateful_partition/app'), 'ok');
      assert.equal(tone('/var/lib/docker'), 'warning');
      assert.equal(tone('/mnt/disks/pd'), 'warning');
      assert.equal(hostPathHint(''), undefined);
    });
  });

  describe('readDeclaration and edits', () => {
    const view = readDeclaration({
      spec: {
        containers: [{ name: 'web', image: 'nginx@sha256:' + 'a'.repeat(64), command: ['a', 1], env: [{ name: 'A', value: null }], volumeMounts: [{ name: 'data', mountPath: '/d' }], securityContext: { privileged: true } }],
        volumes: [{ name: 'data', hostPath: { path: '/var/d' } }, { name: 'odd', emptyDir: {}, hostPath: {} }],
        restartPolicy: 'Never',
      },
    });

    it('normalises what the host sends', () => {
      const container = view.containers[0];
      assert.deepEqual(container?.command, ['a', '1']);
      assert.deepEqual(container?.env, [{ name: 'A', value: '' }]);
      assert.equal(container?.privileged, true);
      assert.equal(container?.stdin, false);
      assert.deepEqual(view.volumes[1]?.kinds, ['hostPath', 'emptyDir']);
      assert.deepEqual(readDeclaration('garbage'), { containers: [], volumes: [], restartPolicy: '' });
      assert.equal(isPinned(container?.image ?? ''), true);
      assert.equal(isPinned('nginx:1.27'), false);
    });

    it('builds one minimal edit per action', () => {
      assert.deepEqual(addEnv(0), { kind: 'insert', path: ['spec', 'containers', 0, 'env'], value: { name: '', value: '' } });
      assert.deepEqual(addContainer(view), { kind: 'insert', path: ['spec', 'containers'], value: { name: 'container-2', image: '' } });
      assert.deepEqual(addMount(view, 0), { kind: 'insert', path: ['spec', 'containers', 0, 'volumeMounts'], value: { name: 'odd', mountPath: '' } });
      assert.deepEqual(addVolume(view, 'emptyDir'), { kind: 'insert', path: ['spec', 'volumes'], value: { name: 'volume-3', emptyDir: { medium: 'Memory' } } });
      assert.deepEqual(giveKind(1, 'gcePersistentDisk'), { kind: 'set', path: ['spec', 'volumes', 1, 'gcePersistentDisk', 'pdName'], value: '' });
      assert.deepEqual(partitionEdit(0, ' 2 '), { kind: 'set', path: ['spec', 'volumes', 0, 'gcePersistentDisk', 'partition'], value: 2 });
      assert.deepEqual(partitionEdit(0, ''), { kind: 'remove', path: ['spec', 'volumes', 0, 'gcePersistentDisk', 'partition'] });
      assert.equal(uniqueName('volume', ['volume-2']), 'volume-3');
      assert.equal(uniqueName('volume', ['volume-2', 'volume-3']), 'volume-4');
    });
  });

  it('readViewState accepts only its own shape', () => {
    assert.deepEqual(readViewState(undefined), { tab: 0, closed: [], scrollY: 0 });
    assert.deepEqual(readViewState({ tab: 1, closed: ['volume:0', 3], scrollY: 120 }), { tab: 1, closed: ['volume:0'], scrollY: 120 });
    assert.deepEqual(readViewState({ tab: 7, scrollY: -1 }), { tab: 0, closed: [], scrollY: 0 });
  });
});
