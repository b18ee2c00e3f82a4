import * as assert from 'node:assert/strict';
import { DockerError, GceError, SshError, withSubject } from '../../../../src/core/errors';
import { checkForFailure } from '../../../../src/core/setup/checks';

describe('which setup check explains a failure', () => {
  it('maps each failure a setup problem can cause to its check, with what it was about', () => {
    assert.deepEqual(checkForFailure(new DockerError('docker/unreachable', 'no engine')), { id: 'docker', subject: {} });
    const push = withSubject(new DockerError('docker/auth-failed', 'refused'), { repository: '127.0.0.1:5000/app' });
    assert.deepEqual(checkForFailure(push), { id: 'registry', subject: { repository: '127.0.0.1:5000/app' } });
    assert.deepEqual(checkForFailure(new DockerError('docker/no-credentials', 'helper said none'))?.id, 'registry');
    assert.deepEqual(checkForFailure(new GceError('gce/no-credentials', 'no ADC', undefined))?.id, 'compute');
    assert.deepEqual(checkForFailure(new GceError('gce/request-failed', 'forbidden', 403))?.id, 'compute');
    assert.equal(checkForFailure(new GceError('gce/request-failed', 'bad request', 400)), undefined);
    const ssh = withSubject(new SshError('ssh/port-closed', 'closed'), { project: 'p-123456', zone: 'z', instance: 'vm' });
    assert.deepEqual(checkForFailure(ssh), { id: 'ssh', subject: { project: 'p-123456', zone: 'z', instance: 'vm' } });
  });

  it('leaves alone what no check can explain: an SSH failure without its instance, a bad declaration, a plain Error', () => {
    assert.equal(checkForFailure(new SshError('ssh/port-closed', 'closed')), undefined);
    assert.equal(checkForFailure(new DockerError('declaration/invalid', 'bad')), undefined);
    assert.equal(checkForFailure(new Error('boom')), undefined);
  });

  it('keeps the subject the lowest layer recorded', () => {
    const error = withSubject(withSubject(new SshError('ssh/auth-failed', 'refused'), { instance: 'inner', zone: 'z', project: 'p-123456' }), { instance: 'outer' });
    assert.equal(error.subject?.instance, 'inner');
  });
});
