import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildImage, connectDocker } from '../../../src/core/docker/engine';
import { parseDeclaration } from '../../../src/core/declaration/parse';
import { renderDeclaration } from '../../../src/core/declaration/render';
import { freePort, run, waitFor } from '../../support/processes';
import { tempDir } from '../../support/tempDir';
import { services } from '../hooks';

const declarationFor = (image: string, port: number, dataDir: string) => `spec:
  containers:
  - name: web-${port}
    image: ${image}
    command:
    - /bin/busybox
    args:
    - httpd
    - -f
    - -p
    - "${port}"
    - -h
    - /www
    env:
    - name: GREETING
      value: hello from COS
    - name: EMPTY
    volumeMounts:
    - name: data
      mountPath: /data
      readOnly: true
    - name: scratch
      mountPath: /scratch
  volumes:
  - name: data
    hostPath:
      path: ${dataDir}
  - name: scratch
    emptyDir:
      medium: Memory
  restartPolicy: OnFailure
`;

describe('rendered declarations on real tools', function () {
  this.timeout(120_000);

  it('cloud-init user-data passes `cloud-init schema`, and a broken one does not', async () => {
    const dir = tempDir('cosvm-ci-');
    const { declaration } = parseDeclaration(declarationFor('gcr.io/p/app:1', 8080, '/var/lib/app'));
    const good = path.join(dir, 'good.yaml');
    writeFileSync(good, renderDeclaration(declaration, 'cloud-init'));
    assert.match(await run('cloud-init', ['schema', '-c', good]), /Valid cloud-config/);
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, '#cloud-config\nruncmd: 5\nwrite_files: [{content: x}]\n');
    await assert.rejects(run('cloud-init', ['schema', '-c', bad]), /runcmd|write_files/);
  });

  it('the docker-run line runs the image on the local engine with env, binds, tmpfs and restart policy', async () => {
    const { docker: dockerService } = services();
    const docker = await connectDocker({ host: dockerService.host });
    const context = tempDir('cosvm-web-');
    copyFileSync('/bin/busybox', path.join(context, 'busybox'));
    mkdirSync(path.join(context, 'www'));
    writeFileSync(path.join(context, 'www', 'index.html'), 'rendered\n');
    writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\n');
    const image = 'cosvm/render-test:1';
    await buildImage(docker, { contextDir: context, tag: image });

    const port = await freePort();
    const dataDir = tempDir('cosvm-data-');
    const line = renderDeclaration(parseDeclaration(declarationFor(image, port, dataDir)).declaration, 'docker-run');
    const env = { ...process.env, DOCKER_HOST: dockerService.host };
    await run('sh', ['-c', line], { env });
    const name = `web-${port}`;
    try {
      const inspected = await docker.getContainer(name).inspect();
      assert.equal(inspected.State.Running, true);
      assert.equal(inspected.HostConfig.NetworkMode, 'host');
      assert.deepEqual(inspected.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 0 });
      assert.deepEqual(inspected.HostConfig.Binds, [`${dataDir}:/data:ro`]);
      assert.deepEqual(inspected.HostConfig.Tmpfs, { '/scratch': '' });
      assert.ok(inspected.Config.Env.includes('GREETING=hello from COS'), inspected.Config.Env.join('\n'));
      assert.ok(inspected.Config.Env.includes('EMPTY='));
      assert.deepEqual(inspected.Config.Entrypoint, ['/bin/busybox']);
      assert.deepEqual(inspected.Config.Cmd, ['httpd', '-f', '-p', String(port), '-h', '/www']);
      // Host networking: the service answers on the host's port directly.
      await waitFor('the container to serve', async () => (await fetch(`http://127.0.0.1:${port}/index.html`)).ok, 15_000);
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/index.html`)).text(), 'rendered\n');
    } finally {
      await docker.getContainer(name).remove({ force: true });
    }
  });
});
