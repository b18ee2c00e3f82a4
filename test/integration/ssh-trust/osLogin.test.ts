import * as assert from 'node:assert/strict';
import { isCosvmError } from '../../../src/core/errors';
import { getHostKeys } from '../../../src/core/gce/guestAttributes';
import { ensureOsLoginKey, osLoginAccess, osLoginEnabled } from '../../../src/core/gce/osLogin';
import { connectSsh, runCommand } from '../../../src/core/ssh/connection';
import { resolveHostTrust } from '../../../src/core/ssh/knownHosts';
import { createVm, setVmMetadata, startCloud, userKey, type EmulatedCloud, type RunningVm } from './emulatedVm';

const refused = (error: unknown) => isCosvmError(error) && error.code === 'ssh/auth-failed';
const usec = (msFromNow: number) => BigInt(Date.now() + msFromNow) * 1000n;

describe('OS Login against the emulator and an emulated COS VM', function () {
  this.timeout(120_000);
  let cloud: EmulatedCloud;
  let vm: RunningVm;
  let trusted: string[];
  /** Only in `ssh-keys` metadata. */
  let metadataKey: { privateKey: string; publicKey: string };
  /** Only in OS Login. */
  let osLoginKey: { privateKey: string; publicKey: string };

  const whoAmI = async (username: string, privateKey: string): Promise<string> => {
    const client = await connectSsh({ host: vm.natIP, port: cloud.port, username, privateKey, trustedHostKeys: trusted, readyTimeoutMs: 10_000 });
    try {
      return (await runCommand(client, 'echo "$USER"')).stdout.trim();
    } finally {
      client.end();
    }
  };

  before(async () => {
    cloud = await startCloud('127.0.79.101', 'oslogin-project');
    metadataKey = await userKey();
    osLoginKey = await userKey();
    vm = await createVm(cloud, 'vm-oslogin', { 'enable-oslogin': 'TRUE', 'enable-guest-attributes': 'TRUE', 'ssh-keys': `alice:${metadataKey.publicKey} alice@laptop` });
    const trust = resolveHostTrust({ pinned: await getHostKeys(cloud.clients, vm.ref), known: [] });
    assert.ok(trust.kind === 'pinned');
    trusted = trust.fingerprints;
  });

  after(async () => {
    await cloud?.emulator.close();
  });

  it('sees enable-oslogin on the instance', async () => {
    const [instance] = await cloud.clients.instances.get({ project: vm.ref.project, zone: vm.ref.zone, instance: vm.ref.name });
    assert.equal(osLoginEnabled(instance.metadata?.items, []), true);
  });

  it('imports the key into the login profile, gives the POSIX user name, and SSH as that user works', async () => {
    const { username } = await ensureOsLoginKey(cloud.clients, { email: 'Dev.One@example.com', project: cloud.project, publicKey: `${osLoginKey.publicKey} me@laptop`, expireOnUsec: usec(3_600_000) });
    assert.equal(username, 'dev_one_example_com');
    assert.equal(await whoAmI(username, osLoginKey.privateKey), username);
    // A second call finds the key in the profile and gives the same user.
    assert.deepEqual(await ensureOsLoginKey(osLoginAccess(cloud.clients), { email: 'Dev.One@example.com', project: cloud.project, publicKey: osLoginKey.publicKey }), { username });
  });

  it('ignores ssh-keys metadata while OS Login is on, and uses it again once it is off', async () => {
    await assert.rejects(whoAmI('alice', metadataKey.privateKey), refused);
    await assert.rejects(whoAmI('dev_one_example_com', metadataKey.privateKey), refused);
    await setVmMetadata(cloud, vm, (items) => items.set('enable-oslogin', 'FALSE'));
    try {
      assert.equal(await whoAmI('alice', metadataKey.privateKey), 'alice');
      await assert.rejects(whoAmI('dev_one_example_com', osLoginKey.privateKey), refused);
    } finally {
      await setVmMetadata(cloud, vm, (items) => items.set('enable-oslogin', 'TRUE'));
    }
    await assert.rejects(whoAmI('alice', metadataKey.privateKey), refused);
  });

  it('refuses an OS Login key that has expired', async () => {
    const old = await userKey();
    const { username } = await ensureOsLoginKey(cloud.clients, { email: 'dev.two@example.com', project: cloud.project, publicKey: old.publicKey, expireOnUsec: usec(-60_000) });
    assert.equal(username, 'dev_two_example_com');
    await assert.rejects(whoAmI(username, old.privateKey), refused);
    // Importing again with a later expiry revives it.
    await ensureOsLoginKey(cloud.clients, { email: 'dev.two@example.com', project: cloud.project, publicKey: old.publicKey, expireOnUsec: usec(3_600_000) });
    assert.equal(await whoAmI(username, old.privateKey), username);
  });

  it("turns Google's error bodies into one sentence", async () => {
    await assert.rejects(ensureOsLoginKey(cloud.clients, { email: 'dev.one@example.com', project: cloud.project, publicKey: 'ssh-ed25519 not-base64!' }), (error: unknown) => {
      assert.ok(isCosvmError(error));
      assert.equal(error.code, 'ssh/oslogin-failed');
      assert.match(error.userMessage, /^Adding your SSH key to the OS Login profile of dev\.one@example\.com: Invalid SSH public key/);
      assert.match(error.detail ?? '', /"status":"INVALID_ARGUMENT"/);
      return true;
    });
    await assert.rejects(
      ensureOsLoginKey(cloud.clients, { email: 'not-an-email', project: cloud.project, publicKey: osLoginKey.publicKey }),
      (error: unknown) => isCosvmError(error) && error.code === 'ssh/oslogin-failed' && /not an email address/.test(error.userMessage),
    );
    const response = await fetch(`${cloud.emulator.url}/v1/users/dev.one@example.com:importSshPublicKey?projectId=${cloud.project}`, { method: 'POST', body: '{"key":"ssh-ed25519 AAAA","expirationTimeUsec":"soon"}' });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error?: { code?: number; status?: string; message?: string } };
    assert.equal(body.error?.code, 400);
    assert.equal(body.error?.status, 'INVALID_ARGUMENT');
    assert.match(body.error?.message ?? '', /expiration_time_usec/);
  });
});
