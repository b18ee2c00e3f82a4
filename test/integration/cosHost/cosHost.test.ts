import * as assert from 'node:assert/strict';
import type Dockerode from 'dockerode';
import { renderDeclaration } from '../../../src/core/declaration/render';
import type { Declaration } from '../../../src/core/declaration/model';
import { connectDocker } from '../../../src/core/docker/engine';
import { isCosvmError } from '../../../src/core/errors';
import { runCommand } from '../../../src/core/ssh/connection';
import { createCosHost } from '../../emulator/cosHost';
import { waitFor } from '../../support/processes';
import { services } from '../hooks';
import { buildBusyboxImage, makeInstance, RecordingIo, remoteJournal, ssh, sshPortFor, userKey, waitForJournal, type SshTo, type UserKey } from './fixtures';

const image = 'cosvm-emu/app:1';

/** One container that greets with its env, writes to stderr, then ticks every second. */
function webDeclaration(name = 'web', greeting = 'world'): Declaration {
  return {
    spec: {
      containers: [
        {
          name,
          image,
          env: [{ name: 'GREETING', value: greeting }],
          args: ['sh', '-c', 'echo "hello $GREETING"; echo "to stderr" >&2; i=0; while true; do i=$((i+1)); echo "tick $i"; /bin/busybox sleep 1; done'],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ],
      volumes: [{ name: 'data', hostPath: { path: '/var/lib/web' } }],
      restartPolicy: 'Always',
    },
  };
}

async function containerState(docker: Dockerode, name: string): Promise<Dockerode.ContainerInspectInfo | undefined> {
  try {
    return await docker.getContainer(name).inspect();
  } catch {
    return undefined;
  }
}

describe('COS host: an emulated instance as a small COS machine', function () {
  this.timeout(120_000);
  let host: ReturnType<typeof createCosHost>;
  let docker: Dockerode;
  let port: number;
  let alice: UserKey;
  let a: SshTo;

  before(async () => {
    port = await sshPortFor('127.0.77.11');
    await buildBusyboxImage(image);
    docker = await connectDocker({ host: services().docker.host });
    host = createCosHost({ group: services().group, dockerHost: services().docker.host, sshPort: port, stopTimeoutSeconds: 1 });
    alice = await userKey();
    const instance = makeInstance('vm-a', '127.0.77.11', { 'user-data': renderDeclaration(webDeclaration(), 'cloud-init'), 'ssh-keys': `alice:${alice.publicKey} alice@laptop` });
    a = { instance, io: new RecordingIo(), port, user: 'alice', key: alice };
    const started = Date.now();
    await host.start(instance, a.io);
    await waitFor('vm-a--web to run', async () => (await containerState(docker, 'vm-a--web'))?.State.Running === true);
    console.log(`      (start of vm-a until its container runs: ${Date.now() - started} ms)`);
  });

  after(async () => {
    await host?.close();
  });

  it('publishes ed25519 and ecdsa host keys as guest attributes, and sshd presents them', async () => {
    assert.deepEqual([...a.io.attributes.keys()].sort(), ['hostkeys/ecdsa-sha2-nistp256', 'hostkeys/ssh-ed25519']);
    // connectSsh refuses any host key but the trusted one: this fingerprint comes from the guest attribute.
    const client = await ssh(a);
    client.end();
  });

  it('lets a user whose key is in the instance ssh-keys log in as that user', async () => {
    const client = await ssh(a);
    try {
      const result = await runCommand(client, 'echo "$USER $HOME"; hostname');
      assert.equal(result.exitCode, 0, result.stderr);
      const [who, hostname] = result.stdout.trim().split('\n');
      assert.match(who ?? '', /^alice \/.*\/home\/alice$/);
      assert.equal(hostname, 'vm-a');
    } finally {
      client.end();
    }
  });

  it('refuses a key for another user name, an expired google-ssh key and a project key under block-project-ssh-keys', async () => {
    const bob = await userKey();
    const carol = await userKey();
    const expired = `bob:${bob.publicKey} google-ssh {"userName":"bob","expireOn":"2020-01-01T00:00:00+0000"}`;
    const instance = {
      ...a.instance,
      metadata: { fingerprint: 'f2', items: [...a.instance.metadata.items.filter((i) => i.key !== 'ssh-keys'), { key: 'ssh-keys', value: `alice:${alice.publicKey}\n${expired}` }, { key: 'block-project-ssh-keys', value: 'TRUE' }] },
      projectMetadata: { fingerprint: 'p2', items: [{ key: 'ssh-keys', value: `carol:${carol.publicKey}` }] },
    };
    await host.metadataChanged(instance, a.io);
    const refused = (error: unknown) => isCosvmError(error) && error.code === 'ssh/auth-failed';
    await assert.rejects(ssh({ ...a, user: 'bob', key: bob }), refused);
    await assert.rejects(ssh({ ...a, user: 'carol', key: carol }), refused);
    await assert.rejects(ssh({ ...a, user: 'bob', key: alice }), refused);
    // Unblocking project keys takes effect at once, without restarting sshd.
    const unblocked = { ...instance, metadata: { ...instance.metadata, items: instance.metadata.items.filter((i) => i.key !== 'block-project-ssh-keys') } };
    await host.metadataChanged(unblocked, a.io);
    const client = await ssh({ ...a, user: 'carol', key: carol });
    assert.equal((await runCommand(client, 'echo $USER')).stdout, 'carol\n');
    client.end();
    // A key that expires in the future works.
    const later = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, '+0000');
    await host.metadataChanged({ ...unblocked, metadata: { ...unblocked.metadata, items: [...unblocked.metadata.items.filter((i) => i.key !== 'ssh-keys'), { key: 'ssh-keys', value: `alice:${alice.publicKey}\nbob:${bob.publicKey} google-ssh {"userName":"bob","expireOn":"${later}"}` }] } }, a.io);
    (await ssh({ ...a, user: 'bob', key: bob })).end();
    await host.metadataChanged(a.instance, a.io);
  });

  it("runs the cloud-init unit's container with the declared env, host network and the instance label", async () => {
    const info = await containerState(docker, 'vm-a--web');
    assert.ok(info);
    assert.ok(info.Config.Env.includes('GREETING=world'), info.Config.Env.join(' '));
    assert.equal(info.HostConfig.NetworkMode, 'host');
    assert.equal(info.Config.Labels['cosvm.emulator.instance'], 'cosvm-test/europe-west1-b/vm-a');
    assert.equal(info.Config.Image, image);
    // The host path lives on the instance's own "disk", not on the test machine's /var/lib.
    assert.deepEqual(info.HostConfig.Binds, [`${host.instanceDir(a.instance)}/root/var/lib/web:/data`]);
  });

  it("puts the container's output in the journal under its unit; journalctl over SSH reads it", async () => {
    const client = await ssh(a);
    try {
      const entries = await waitForJournal(client, 'cosvm-web.service', 'the greeting and two ticks', (list) => list.some((e) => e.message === 'tick 2'));
      const output = entries.filter((e) => e.fields['_SYSTEMD_UNIT'] === 'cosvm-web.service').map((e) => e.message);
      // stdout and stderr are separate pipes, so only stdout's own order is certain.
      assert.equal(output.filter((line) => line !== 'to stderr')[0], 'hello world');
      assert.ok(output.includes('to stderr') && output.includes('tick 1'), output.join('\n'));
      assert.ok(entries.some((e) => e.fields['_PID'] === '1' && e.message.startsWith('Started cosvm-web.service')));
      // The login shell's PATH comes from /etc/profile; journalctl there is still the instance's.
      const login = await runCommand(client, "bash -lc 'journalctl -u cosvm-web.service -o cat --no-pager | head -n 1'");
      assert.match(login.stdout, /^Starting cosvm-web\.service/);
    } finally {
      client.end();
    }
  });

  it('follows the journal with journalctl -f while the container writes', async () => {
    const client = await ssh(a);
    try {
      const seen = await new Promise<string>((resolve, reject) => {
        client.exec('journalctl -u cosvm-web.service -f -n 0 -o cat', { pty: { term: 'xterm', rows: 24, cols: 200 } }, (error, channel) => {
          if (error) return reject(error);
          let text = '';
          const timer = setTimeout(() => reject(new Error(`no new tick followed; got: ${text}`)), 20_000);
          channel.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (/tick \d+\r?\n[\s\S]*tick \d+/.test(text)) {
              clearTimeout(timer);
              channel.close();
              resolve(text);
            }
          });
        });
      });
      assert.match(seen, /tick \d+/);
    } finally {
      client.end();
    }
  });

  it("shows only this instance's containers in docker ps over SSH", async () => {
    const b = makeInstance('vm-b', '127.0.77.12', { 'user-data': renderDeclaration(webDeclaration('api', 'b'), 'cloud-init'), 'ssh-keys': `alice:${alice.publicKey}` });
    await host.start(b, new RecordingIo());
    try {
      await waitFor('vm-b--api to run', async () => (await containerState(docker, 'vm-b--api'))?.State.Running === true);
      const client = await ssh(a);
      try {
        const listed = await runCommand(client, "docker ps --format '{{.Names}}'");
        assert.equal(listed.exitCode, 0, listed.stderr);
        assert.deepEqual(listed.stdout.trim().split('\n'), ['vm-a--web']);
        // A login shell (PATH reset by /etc/profile), as in an SSH terminal, gets the same docker.
        const login = await runCommand(client, `bash -lc "docker ps --format '{{.Names}}'"`);
        assert.equal(login.stdout, 'vm-a--web\n', login.stderr);
      } finally {
        client.end();
      }
    } finally {
      await host.delete(b);
    }
    assert.equal(await containerState(docker, 'vm-b--api'), undefined);
  });

  it('stop removes the container and sshd; start and reset bring them back with the same host key and a new boot', async () => {
    const fingerprint = a.io.hostKeyFingerprint();
    await host.stop(a.instance, a.io);
    assert.equal(await containerState(docker, 'vm-a--web'), undefined);
    await assert.rejects(ssh(a), (error: unknown) => isCosvmError(error) && error.code === 'ssh/port-closed');
    assert.match(a.io.serial, /reboot: Power down/);

    const io = new RecordingIo();
    await host.start(a.instance, io);
    assert.equal(io.hostKeyFingerprint(), fingerprint);
    await waitFor('vm-a--web to run again', async () => (await containerState(docker, 'vm-a--web'))?.State.Running === true);
    await host.reset(a.instance, io);
    assert.equal(io.hostKeyFingerprint(), fingerprint);
    await waitFor('vm-a--web after reset', async () => (await containerState(docker, 'vm-a--web'))?.State.Running === true);
    a = { ...a, io };
    const client = await ssh(a);
    try {
      const boots = await runCommand(client, 'journalctl --list-boots --no-pager');
      assert.equal(boots.stdout.trim().split('\n').filter((line) => /^\s*-?\d+\s+[0-9a-f]{32}/.test(line)).length, 3, boots.stdout);
      const entries = await remoteJournal(client, 'cosvm-web.service');
      assert.equal(new Set(entries.map((e) => e.fields['_BOOT_ID'])).size, 3);
    } finally {
      client.end();
    }
  });
});
