import * as assert from 'node:assert/strict';
import { isCosvmError } from '../../../../src/core/errors';
import { checkContainerName, dockerCommandError, parseDockerPs } from '../../../../src/core/ssh/remoteDocker';

/** Recorded from Docker 28 (`docker ps --all --no-trunc --format '{{json .}}'`), ids shortened. */
const recorded = [
  '{"Command":"\\"/bin/busybox sh -c \'echo hi\'\\"","CreatedAt":"2024-05-01 10:00:00 +0000 UTC","ID":"4f1c2a","Image":"cosvm-emu/app:1","Labels":"cosvm.emulator.instance=p/z/vm","LocalVolumes":"0","Mounts":"","Names":"klt-web-abcd","Networks":"host","Ports":"","RunningFor":"2 minutes ago","Size":"0B","State":"running","Status":"Up 2 minutes"}',
  '{"CreatedAt":"2024-05-01 09:00:00 +0000 UTC","ID":"9e8d7c","Image":"nginx:1.27","Names":"/old,alias","Ports":"0.0.0.0:8080->80/tcp","Status":"Exited (137) 5 minutes ago"}',
  '',
].join('\n');

describe('remote docker (unit)', () => {
  it('parses docker ps JSON lines, falling back to Status for the state', () => {
    assert.deepEqual(parseDockerPs(recorded), [
      { id: '4f1c2a', name: 'klt-web-abcd', image: 'cosvm-emu/app:1', state: 'running', status: 'Up 2 minutes', ports: '', createdAt: '2024-05-01 10:00:00 +0000 UTC' },
      { id: '9e8d7c', name: 'old', image: 'nginx:1.27', state: 'exited', status: 'Exited (137) 5 minutes ago', ports: '0.0.0.0:8080->80/tcp', createdAt: '2024-05-01 09:00:00 +0000 UTC' },
    ]);
    assert.deepEqual(parseDockerPs(''), []);
    assert.throws(() => parseDockerPs('WARNING: something\n'), (error: unknown) => isCosvmError(error) && error.code === 'ssh/command-failed');
  });

  it('turns a failed docker command into one sentence with stderr in detail', () => {
    const missing = dockerCommandError('docker ps', { stdout: '', stderr: 'sh: 1: docker: not found\n', exitCode: 127, signal: undefined });
    assert.equal(missing.userMessage, 'Docker is not installed on the VM (no docker command).');
    assert.ok(missing.detail?.includes('docker: not found'));
    const denied = dockerCommandError('docker ps', {
      stdout: '',
      stderr: 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json": dial unix /var/run/docker.sock: connect: permission denied\n',
      exitCode: 1,
      signal: undefined,
    });
    assert.match(denied.userMessage, /may not use Docker/);
    const other = dockerCommandError('docker ps', { stdout: '', stderr: 'unknown flag: --bogus\nSee docker ps --help\n', exitCode: 125, signal: undefined });
    assert.equal(other.userMessage, 'docker ps failed on the VM: unknown flag: --bogus.');
  });

  it('accepts Docker names and ids, refuses anything a shell would read', () => {
    for (const name of ['web', 'klt-web-abcd', 'vm-a--web', 'a.b_c', '4f1c2a9e']) assert.equal(checkContainerName(name), name);
    for (const name of ['web; rm -rf /', '$(id)', '-x', '', ' web', 'web\n']) {
      assert.throws(() => checkContainerName(name), (error: unknown) => isCosvmError(error) && error.code === 'input/invalid');
    }
  });
});
