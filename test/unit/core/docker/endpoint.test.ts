import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { dockerodeOptions, resolveDockerEndpoint } from '../../../../src/core/docker/endpoint';
import { isCosvmError } from '../../../../src/core/errors';
import { tempDir } from '../../../support/tempDir';

/** A Docker config dir with `currentContext` and a context store entry, laid out as the docker CLI writes them. */
function configWithContext(name: string, host: string | undefined, current = name): string {
  const dir = tempDir('cosvm-docker-config-');
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: {}, currentContext: current }));
  if (host !== undefined) {
    const metaDir = path.join(dir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    mkdirSync(metaDir, { recursive: true });
    writeFileSync(path.join(metaDir, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  }
  return dir;
}

describe('Docker endpoint, found as the docker CLI finds it', () => {
  it('prefers the setting, then DOCKER_HOST, then DOCKER_CONTEXT, then currentContext, then the default socket', async () => {
    const configDir = configWithContext('colima', 'unix:///home/me/.colima/docker.sock');
    const remoteMeta = path.join(configDir, 'contexts', 'meta', createHash('sha256').update('remote').digest('hex'));
    mkdirSync(remoteMeta, { recursive: true });
    writeFileSync(path.join(remoteMeta, 'meta.json'), JSON.stringify({ Name: 'remote', Endpoints: { docker: { Host: 'ssh://me@build-box' } } }));

    const env = { DOCKER_HOST: 'tcp://10.0.0.5:2375', DOCKER_CONTEXT: 'remote' };
    assert.deepEqual(await resolveDockerEndpoint({ host: 'unix:///run/user/1000/docker.sock', env, configDir }), {
      host: 'unix:///run/user/1000/docker.sock',
      source: 'the setting cosvm.docker.host',
    });
    assert.deepEqual(await resolveDockerEndpoint({ env, configDir }), { host: 'tcp://10.0.0.5:2375', source: 'DOCKER_HOST' });
    assert.deepEqual(await resolveDockerEndpoint({ env: { DOCKER_CONTEXT: 'remote' }, configDir }), { host: 'ssh://me@build-box', source: 'the Docker context "remote"' });
    assert.deepEqual(await resolveDockerEndpoint({ env: {}, configDir }), { host: 'unix:///home/me/.colima/docker.sock', source: 'the Docker context "colima"' });
    const plain = tempDir('cosvm-docker-config-');
    assert.deepEqual(await resolveDockerEndpoint({ env: {}, configDir: plain, platform: 'linux' }), { host: 'unix:///var/run/docker.sock', source: 'the default socket' });
    assert.deepEqual(await resolveDockerEndpoint({ env: {}, configDir: configWithContext('default', undefined), platform: 'win32' }), {
      host: 'npipe:////./pipe/docker_engine',
      source: 'the default socket',
    });
  });

  it('reads DOCKER_CONFIG when no config dir is given', async () => {
    const configDir = configWithContext('lima', 'unix:///tmp/lima.sock');
    assert.equal((await resolveDockerEndpoint({ env: { DOCKER_CONFIG: configDir } })).host, 'unix:///tmp/lima.sock');
  });

  it('says how to get out of a selected context that does not exist or names no engine', async () => {
    await assert.rejects(resolveDockerEndpoint({ env: {}, configDir: configWithContext('gone', undefined) }), (error: unknown) => {
      assert.ok(isCosvmError(error) && error.code === 'docker/unreachable');
      assert.match(error.userMessage, /context "gone" is selected, but its description .* cannot be read\. Run "docker context use default"/);
      return true;
    });
    await assert.rejects(resolveDockerEndpoint({ env: {}, configDir: configWithContext('empty', '') }), /names no Docker endpoint/);
  });

  it('turns each kind of host into dockerode options, and refuses one it cannot reach', () => {
    assert.deepEqual(dockerodeOptions('unix:///var/run/docker.sock'), { socketPath: '/var/run/docker.sock' });
    assert.deepEqual(dockerodeOptions('tcp://127.0.0.1:2375'), { host: '127.0.0.1', port: 2375, protocol: 'http' });
    assert.deepEqual(dockerodeOptions('ssh://me@build-box:2222'), { protocol: 'ssh', host: 'build-box', port: 2222, username: 'me' });
    assert.deepEqual(dockerodeOptions('npipe:////./pipe/docker_engine'), { socketPath: '\\\\.\\pipe\\docker_engine' });
    assert.throws(() => dockerodeOptions('fd://'), /uses fd:, which cosvm cannot reach/);
    assert.throws(() => dockerodeOptions('not a url'), /is not a URL/);
  });
});
