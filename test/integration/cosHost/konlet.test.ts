import * as assert from 'node:assert/strict';
import type Dockerode from 'dockerode';
import { renderDeclaration } from '../../../src/core/declaration/render';
import type { Declaration } from '../../../src/core/declaration/model';
import { connectDocker } from '../../../src/core/docker/engine';
import { runCommand } from '../../../src/core/ssh/connection';
import { createCosHost, instanceLabelKey } from '../../emulator/cosHost';
import type { VmHost } from '../../emulator/vmHost';
import { waitFor } from '../../support/processes';
import { services } from '../hooks';
import { buildBusyboxImage, makeInstance, RecordingIo, remoteJournal, ssh, sshPortFor, userKey, waitForJournal, type UserKey } from './fixtures';

const image = 'cosvm-emu/konlet-app:1';

function declaration(imageRef: string): Declaration {
  return {
    spec: {
      containers: [{ name: 'web', image: imageRef, env: [{ name: 'GREETING', value: 'konlet' }], args: ['sh', '-c', 'echo "hello $GREETING"; exec /bin/busybox sleep 100000'] }],
      restartPolicy: 'OnFailure',
    },
  };
}

async function ownContainers(docker: Dockerode, instance: string): Promise<Dockerode.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${instanceLabelKey}=cosvm-test/europe-west1-b/${instance}`] } });
}

describe('COS host: konlet declarations and failed pulls', function () {
  this.timeout(120_000);
  let host: VmHost;
  let docker: Dockerode;
  let port: number;
  let key: UserKey;
  let missing: string;

  before(async () => {
    port = await sshPortFor('127.0.77.21');
    await buildBusyboxImage(image);
    docker = await connectDocker({ host: services().docker.host });
    missing = `${services().registry.address}/cosvm/missing:1`;
    host = createCosHost({ group: services().group, dockerHost: services().docker.host, sshPort: port, stopTimeoutSeconds: 1, konletRestartSeconds: 1 });
    key = await userKey();
  });

  after(async () => {
    await host?.close();
  });

  it('runs a gce-container-declaration as konlet does: klt-<name>-<xxxx>, its lines in the journal and on serial', async () => {
    const instance = makeInstance('vm-k', '127.0.77.21', { 'gce-container-declaration': renderDeclaration(declaration(image), 'konlet'), 'ssh-keys': `alice:${key.publicKey}` });
    const io = new RecordingIo();
    await host.start(instance, io);
    const [container, ...others] = await ownContainers(docker, 'vm-k');
    assert.equal(others.length, 0);
    const name = container?.Names[0]?.replace(/^\//, '') ?? '';
    assert.match(name, /^klt-web-[a-z]{4}$/);
    const info = await docker.getContainer(name).inspect();
    assert.ok(info.State.Running);
    assert.ok(info.Config.Env.includes('GREETING=konlet'));
    assert.equal(info.HostConfig.RestartPolicy?.Name, 'on-failure');
    assert.equal(info.HostConfig.LogConfig?.Type, 'json-file');

    assert.match(io.serial, /\n\w{3} \d\d \d\d:\d\d:\d\d vm-k konlet-startup\[\d+\]: \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Starting Konlet container startup agent\r\n/);
    assert.ok(io.serial.includes(`Configured container 'web' will be started with name '${name}'.`), io.serial);
    assert.ok(io.serial.includes(`Created a container with name '${name}' and ID: ${info.Id}`), io.serial);

    const client = await ssh({ instance, io, port, user: 'alice', key });
    try {
      const entries = await remoteJournal(client, 'konlet-startup.service');
      const lines = entries.filter((e) => e.fields['SYSLOG_IDENTIFIER'] === 'konlet-startup').map((e) => e.message.replace(/^\S+ \S+ /, ''));
      assert.deepEqual(lines.slice(0, 2), ['Starting Konlet container startup agent', 'Non-GCR registry used - Konlet will use empty auth']);
      assert.ok(lines.includes(`Starting a container with ID: ${info.Id}`), lines.join('\n'));
      // The container's own output stays with Docker (json-file), as on COS.
      await waitFor('docker logs', async () => (await runCommand(client, `docker logs ${name}`)).stdout.includes('hello konlet'));
    } finally {
      client.end();
    }
    await host.delete(instance);
    assert.deepEqual(await ownContainers(docker, 'vm-k'), []);
  });

  it("reports konlet's pull failure like a real VM, retries, and keeps the instance up", async () => {
    const instance = makeInstance('vm-m', '127.0.77.22', { 'gce-container-declaration': renderDeclaration(declaration(missing), 'konlet'), 'ssh-keys': `alice:${key.publicKey}` });
    const io = new RecordingIo();
    await host.start(instance, io);
    assert.match(io.serial, /konlet-startup\[\d+\]: \S+ \S+ Pulling image: '127\.0\.0\.1:\d+\/cosvm\/missing:1'\r\n/);
    assert.match(io.serial, /konlet-startup\[\d+\]: \S+ \S+ Error: Failed to start container: Error response from daemon: .+\r\n/);
    assert.deepEqual(await ownContainers(docker, 'vm-m'), []);
    const client = await ssh({ instance, io, port, user: 'alice', key });
    try {
      const entries = await waitForJournal(client, 'konlet-startup.service', 'a restart of konlet-startup', (list) => list.some((e) => e.message.includes('Scheduled restart job')));
      assert.ok(entries.some((e) => e.message === "konlet-startup.service: Failed with result 'exit-code'."));
    } finally {
      client.end();
    }
    await host.delete(instance);
  });

  it("puts a cloud-init unit's pull failure in its journal, and systemd restarts it", async () => {
    const instance = makeInstance('vm-c', '127.0.77.23', { 'user-data': renderDeclaration(declaration(missing), 'cloud-init'), 'ssh-keys': `alice:${key.publicKey}` });
    const io = new RecordingIo();
    await host.start(instance, io);
    const client = await ssh({ instance, io, port, user: 'alice', key });
    try {
      const entries = await waitForJournal(client, 'cosvm-web.service', 'the pull failure', (list) => list.some((e) => e.message.startsWith('cosvm-web.service: Main process exited')));
      const docker = entries.filter((e) => e.fields['SYSLOG_IDENTIFIER'] === 'docker').map((e) => e.message);
      assert.ok(docker.some((line) => line.startsWith(`Unable to find image '${missing}' locally`)), docker.join('\n'));
      assert.ok(docker.some((line) => line.startsWith('docker: Error response from daemon:')), docker.join('\n'));
      assert.ok(entries.some((e) => e.message === 'cosvm-web.service: Main process exited, code=exited, status=125/n/a'));
      // Our unit says RestartSec=5.
      await waitForJournal(client, 'cosvm-web.service', 'the restart', (list) => list.some((e) => e.message === 'cosvm-web.service: Scheduled restart job, restart counter is at 1.'), 15_000);
    } finally {
      client.end();
    }
    assert.match(io.serial, /cloud-init\[\d+\]: Cloud-init v\. \S+ finished at/);
    await host.delete(instance);
  });
});
