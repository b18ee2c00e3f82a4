import * as assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCosvmError } from '../../../src/core/errors';
import { connectSsh, runCommand } from '../../../src/core/ssh/connection';
import { prepareInstanceAccess, type AccessOptions } from '../../../src/core/ssh/instanceAccess';
import { ensureKeyPair } from '../../../src/core/ssh/keys';
import { KnownHosts } from '../../../src/core/ssh/knownHosts';
import { operationOf, waitForOperation } from '../../../src/core/gce/operations';
import { createVm, startCloud, userKey, type EmulatedCloud } from './emulatedVm';

/** What the VM's metadata says now, read with the Compute client (not with the code under test). */
async function metadataOf(cloud: EmulatedCloud, name: string): Promise<Map<string, string>> {
  const [instance] = await cloud.clients.instances.get({ project: cloud.project, zone: cloud.zone, instance: name });
  return new Map((instance.metadata?.items ?? []).map((item) => [item.key ?? '', item.value ?? '']));
}

describe('instance access the way gcloud compute ssh prepares it (emulated COS VMs)', function () {
  this.timeout(120_000);
  let cloud: EmulatedCloud;
  let options: AccessOptions;
  let asked: string[];

  before(async () => {
    cloud = await startCloud('127.0.83.1', 'access-project');
    const storageDir = mkdtempSync(path.join(os.tmpdir(), 'cosvm-access-'));
    asked = [];
    options = {
      clients: cloud.clients,
      keyPair: await ensureKeyPair({ storageDir }),
      knownHosts: new KnownHosts(path.join(storageDir, 'known_hosts')),
      user: 'dev',
      accountEmail: () => Promise.resolve('dev@example.com'),
      confirmHostKey: (ref, presented) => {
        asked.push(`${ref.name} ${presented.fingerprint}`);
        return Promise.resolve(true);
      },
      port: cloud.port,
    };
  });

  after(async () => {
    await cloud?.emulator.close();
  });

  it('adds an expiring key next to the other users’ keys, connects, and adds nothing the second time', async () => {
    const other = await userKey();
    const otherLine = `alice:${other.publicKey} alice@laptop`;
    await createVm(cloud, 'vm-keys', { 'ssh-keys': otherLine, 'enable-guest-attributes': 'TRUE' });
    const ref = { project: cloud.project, zone: cloud.zone, name: 'vm-keys' };
    const first = await prepareInstanceAccess(options, ref);
    assert.equal(first.via, 'ssh-keys');
    assert.ok(first.keyAddedAt !== undefined);
    const keys = (await metadataOf(cloud, 'vm-keys')).get('ssh-keys') ?? '';
    assert.equal(keys.split('\n')[0], otherLine);
    assert.match(keys.split('\n')[1] ?? '', /^dev:ssh-ed25519 \S+ google-ssh \{"userName":"dev","expireOn":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000"\}$/);
    // Pinned from guest attributes: nobody is asked.
    assert.ok(first.target.trustedHostKeys.length > 0);
    const client = await connectSsh({ ...first.target, readyTimeoutMs: 10_000 });
    try {
      assert.equal((await runCommand(client, 'echo "$USER"')).stdout.trim(), 'dev');
    } finally {
      client.end();
    }
    const second = await prepareInstanceAccess(options, ref);
    assert.equal(second.keyAddedAt, undefined);
    assert.equal((await metadataOf(cloud, 'vm-keys')).get('ssh-keys'), keys);
    assert.deepEqual(asked, []);
  });

  it('asks once about an unpublished host key, remembers it, and keeps the private key file at 0600', async () => {
    await createVm(cloud, 'vm-tofu', {});
    const ref = { project: cloud.project, zone: cloud.zone, name: 'vm-tofu' };
    const access = await prepareInstanceAccess(options, ref);
    assert.deepEqual(access.target.trustedHostKeys, []);
    const client = await connectSsh({ ...access.target, readyTimeoutMs: 10_000 });
    await access.remember();
    try {
      // ssh2 checks the host key again at every re-key: the key accepted on first use must still pass.
      // ssh2 has no public client rekey; its protocol object starts one as OpenSSH's RekeyLimit would.
      const protocol = (client as unknown as { _protocol: { rekey(): void } })._protocol;
      await new Promise<void>((resolve, reject) => {
        client.once('handshake', () => resolve());
        client.once('error', reject);
        protocol.rekey();
      });
      assert.equal((await runCommand(client, 'echo after-rekey')).stdout, 'after-rekey\n');
    } finally {
      client.end();
    }
    assert.equal(asked.length, 1);
    assert.match(asked[0] ?? '', /^vm-tofu SHA256:/);
    const again = await prepareInstanceAccess(options, ref);
    assert.deepEqual(again.target.trustedHostKeys, [asked[0]?.split(' ')[1]]);
    assert.equal(statSync(options.keyPair.path).mode & 0o777, 0o600);
  });

  it('uses OS Login when the VM enables it, and leaves ssh-keys alone', async () => {
    await createVm(cloud, 'vm-oslogin', { 'enable-oslogin': 'TRUE', 'enable-guest-attributes': 'TRUE' });
    const ref = { project: cloud.project, zone: cloud.zone, name: 'vm-oslogin' };
    const access = await prepareInstanceAccess(options, ref);
    assert.equal(access.via, 'os-login');
    assert.equal(access.target.username, 'dev_example_com');
    assert.equal((await metadataOf(cloud, 'vm-oslogin')).get('ssh-keys'), undefined);
    const client = await connectSsh({ ...access.target, readyTimeoutMs: 10_000 });
    try {
      assert.equal((await runCommand(client, 'echo "$USER"')).stdout.trim(), 'dev_example_com');
    } finally {
      client.end();
    }
  });

  it('says what is wrong with a VM it cannot reach: stopped, or without an external IP', async () => {
    const vm = await createVm(cloud, 'vm-stopped', {});
    const [answer] = await cloud.clients.instances.stop({ project: cloud.project, zone: cloud.zone, instance: 'vm-stopped' });
    await waitForOperation(cloud.clients, cloud.project, operationOf([answer]), 'stop');
    await assert.rejects(prepareInstanceAccess(options, vm.ref), (error: unknown) => isCosvmError(error) && /vm-stopped is (terminated|stopped|stopping): start it/.test(error.userMessage));
    const [insert] = await cloud.clients.instances.insert({
      project: cloud.project,
      zone: cloud.zone,
      instanceResource: {
        name: 'vm-internal',
        machineType: `zones/${cloud.zone}/machineTypes/e2-small`,
        disks: [{ boot: true, initializeParams: { sourceImage: 'projects/cos-cloud/global/images/family/cos-stable' } }],
        networkInterfaces: [{ network: 'global/networks/default' }],
      },
    });
    await waitForOperation(cloud.clients, cloud.project, operationOf([insert]), 'insert');
    await assert.rejects(
      prepareInstanceAccess(options, { project: cloud.project, zone: cloud.zone, name: 'vm-internal' }),
      (error: unknown) => isCosvmError(error) && error.code === 'ssh/no-external-ip' && /vm-internal has no external IP/.test(error.userMessage),
    );
  });
});
