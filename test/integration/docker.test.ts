import * as assert from 'node:assert/strict';
import { buildImage, connectDocker, pushImage } from '../../src/core/docker/engine';
import { fetchManifestDigest } from '../../src/core/docker/registry';
import { isCosvmError } from '../../src/core/errors';
import { services } from './hooks';
import { scratchContext } from '../support/scratchContext';

describe('docker build and push (real dockerd and registry)', function () {
  this.timeout(120_000);

  it('builds FROM scratch, pushes with auth, and captures the digest the registry reports', async () => {
    const { docker: dockerService, registry } = services();
    const docker = await connectDocker({ host: dockerService.host });
    const reference = `${registry.address}/cosvm/app:v1`;
    const output: string[] = [];
    const built = await buildImage(docker, { contextDir: scratchContext(), tag: reference, onOutput: (t) => output.push(t) });
    assert.match(built.imageId, /^sha256:[a-f0-9]{64}$/);
    assert.ok(output.some((line) => line.startsWith('Step 1/')), output.join(''));

    const auth = { username: registry.username, password: registry.password, serveraddress: registry.address };
    const pushed = await pushImage(docker, { reference, auth });
    const truth = await fetchManifestDigest(reference, { auth });
    assert.equal(pushed.digest, truth);
    assert.equal(pushed.pinned, `${registry.address}/cosvm/app@${truth}`);
  });

  it('reports the failing build step', async () => {
    const docker = await connectDocker({ host: services().docker.host });
    await assert.rejects(
      buildImage(docker, { contextDir: scratchContext({ extraDockerfileLines: ['COPY does-not-exist /x'] }), tag: 'cosvm/broken:1' }),
      (error: unknown) => isCosvmError(error) && error.code === 'docker/build-failed' && /COPY does-not-exist \/x/.test(error.userMessage),
    );
  });

  it('refuses bad registry credentials with a clear error that never shows the password', async () => {
    const { docker: dockerService, registry } = services();
    const docker = await connectDocker({ host: dockerService.host });
    const reference = `${registry.address}/cosvm/denied:v1`;
    await buildImage(docker, { contextDir: scratchContext(), tag: reference });
    const wrongPassword = 'wrong-password-9f8e7d';
    await assert.rejects(
      pushImage(docker, { reference, auth: { username: registry.username, password: wrongPassword, serveraddress: registry.address } }),
      (error: unknown) => {
        assert.ok(isCosvmError(error), String(error));
        assert.equal(error.code, 'docker/auth-failed', error.userMessage);
        assert.ok(!error.userMessage.includes(wrongPassword));
        assert.ok(!JSON.stringify(error).includes(wrongPassword));
        return true;
      },
    );
  });

  it('says the engine is unreachable when the socket does not exist', async () => {
    const docker = await connectDocker({ host: 'unix:///nonexistent/docker.sock' });
    await assert.rejects(
      buildImage(docker, { contextDir: scratchContext(), tag: 'cosvm/x:1' }),
      (error: unknown) => isCosvmError(error) && error.code === 'docker/unreachable',
    );
  });
});
