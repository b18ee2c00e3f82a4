import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCosvmError, CancelledError } from '../../../src/core/errors';
import { getHostKeys } from '../../../src/core/gce/guestAttributes';
import { connectSsh, runCommand, type PresentedHostKey, type SshTarget } from '../../../src/core/ssh/connection';
import { hostKeyFingerprint } from '../../../src/core/ssh/hostKey';
import { hostKeyAlias, KnownHosts, resolveHostTrust } from '../../../src/core/ssh/knownHosts';
import { run } from '../../support/processes';
import { createVm, regenerateHostKeys, startCloud, userKey, type EmulatedCloud, type RunningVm } from './emulatedVm';

const fingerprintOf = (key: { blob: string }) => hostKeyFingerprint(Buffer.from(key.blob, 'base64'));

describe('SSH host-key trust against an emulated COS VM (guest attributes, known_hosts, TOFU)', function () {
  this.timeout(120_000);
  let cloud: EmulatedCloud;
  let vm: RunningVm;
  let key: { privateKey: string; publicKey: string };

  const target = (trustedHostKeys: readonly string[], extra: Partial<SshTarget> = {}): SshTarget => ({
    host: vm.natIP,
    port: cloud.port,
    username: 'alice',
    privateKey: key.privateKey,
    trustedHostKeys,
    readyTimeoutMs: 10_000,
    ...extra,
  });

  /** Connects, proves the session works, and closes. */
  const connectAndRun = async (t: SshTarget): Promise<void> => {
    const client = await connectSsh(t);
    try {
      assert.equal((await runCommand(client, 'echo "$USER"')).stdout, 'alice\n');
    } finally {
      client.end();
    }
  };

  before(async () => {
    cloud = await startCloud('127.0.79.1', 'trust-project');
    key = await userKey();
    vm = await createVm(cloud, 'vm-trust', { 'enable-guest-attributes': 'TRUE', 'ssh-keys': `alice:${key.publicKey} alice@laptop` });
  });

  after(async () => {
    await cloud?.emulator.close();
  });

  it("reads host keys from guest attributes that are exactly the keys the VM's sshd presents", async () => {
    const published = await getHostKeys(cloud.clients, vm.ref);
    assert.deepEqual(published.map((k) => k.type).sort(), ['ecdsa-sha2-nistp256', 'ssh-ed25519']);
    // What sshd itself offers, asked with OpenSSH's ssh-keyscan rather than with our own code.
    const scanned = (await run('ssh-keyscan', ['-p', String(cloud.port), '-t', 'ed25519,ecdsa', vm.natIP]))
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const [, type, blob] = line.trim().split(/\s+/);
        return { type: type ?? '', blob: blob ?? '' };
      });
    const sorted = (keys: { type: string; blob: string }[]) => [...keys].sort((a, b) => a.type.localeCompare(b.type));
    assert.deepEqual(sorted(published), sorted(scanned));
  });

  it('connects with the pinned keys, remembers them, and refuses a regenerated host key naming both fingerprints', async () => {
    const known = new KnownHosts(path.join(mkdtempSync(path.join(os.tmpdir(), 'cosvm-trust-')), 'known_hosts'));
    const alias = hostKeyAlias(vm.id);
    const pinned = await getHostKeys(cloud.clients, vm.ref);
    const trust = resolveHostTrust({ pinned, known: await known.keysFor(alias) });
    assert.ok(trust.kind === 'pinned', trust.kind);
    await known.remember(alias, pinned);
    await connectAndRun(target(trust.fingerprints));

    await regenerateHostKeys(cloud, vm);
    // Our file still has the old keys: the new one is refused, and the message names both sides.
    const old = resolveHostTrust({ pinned: [], known: await known.keysFor(alias) });
    assert.ok(old.kind === 'known');
    const fresh = await getHostKeys(cloud.clients, vm.ref);
    const freshEd25519 = fresh.find((k) => k.type === 'ssh-ed25519');
    assert.ok(freshEd25519);
    assert.ok(!old.fingerprints.includes(fingerprintOf(freshEd25519)), 'the host key did not change');
    let asked = 0;
    await assert.rejects(connectAndRun(target(old.fingerprints, { onUnknownHostKey: () => Promise.resolve(++asked > 0) })), (error: unknown) => {
      assert.ok(isCosvmError(error), String(error));
      assert.equal(error.code, 'ssh/host-key-mismatch');
      assert.ok(error.userMessage.includes(fingerprintOf(freshEd25519)), error.userMessage);
      for (const fingerprint of old.fingerprints) assert.ok(error.userMessage.includes(fingerprint), error.userMessage);
      return true;
    });
    assert.equal(asked, 0, 'a known host with a different key is never a trust-on-first-use question');

    // The guest agent's new keys win over the file; after remembering them the file agrees.
    const renewed = resolveHostTrust({ pinned: fresh, known: await known.keysFor(alias) });
    assert.ok(renewed.kind === 'pinned');
    await known.remember(alias, fresh);
    assert.deepEqual(resolveHostTrust({ pinned: [], known: await known.keysFor(alias) }), { kind: 'known', fingerprints: renewed.fingerprints });
    await connectAndRun(target(renewed.fingerprints));
  });

  it('asks exactly once for an unknown host key, and refuses it when the answer is no', async () => {
    const questions: PresentedHostKey[] = [];
    await assert.rejects(
      connectAndRun(target([], { onUnknownHostKey: (presented) => (questions.push(presented), Promise.resolve(false)) })),
      (error: unknown) => isCosvmError(error) && error.code === 'ssh/host-key-unknown' && error.userMessage.includes(questions[0]?.fingerprint ?? '?'),
    );
    assert.equal(questions.length, 1);
  });

  it('accepts an unknown host key when the answer is yes, presenting what the guest attributes say, even after a slow answer', async () => {
    const published = await getHostKeys(cloud.clients, vm.ref);
    const questions: PresentedHostKey[] = [];
    // The answer comes after the handshake timeout: the timer must not run while the user decides.
    const slowYes = async (presented: PresentedHostKey) => {
      questions.push(presented);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return true;
    };
    await connectAndRun(target([], { readyTimeoutMs: 1_000, onUnknownHostKey: slowYes }));
    assert.equal(questions.length, 1);
    const [presented] = questions;
    assert.ok(presented);
    const same = published.find((k) => k.type === presented.type);
    assert.ok(same, `presented a ${presented.type} key the guest attributes do not have`);
    assert.equal(presented.blob.toString('base64'), same.blob);
    assert.equal(presented.fingerprint, fingerprintOf(same));

    // Remembered after the yes, the key is known next time: nobody is asked again.
    const known = new KnownHosts(path.join(mkdtempSync(path.join(os.tmpdir(), 'cosvm-trust-')), 'known_hosts'));
    await known.remember(hostKeyAlias(vm.id), [{ type: presented.type, blob: presented.blob.toString('base64') }]);
    const trust = resolveHostTrust({ pinned: [], known: await known.keysFor(hostKeyAlias(vm.id)) });
    assert.ok(trust.kind === 'known');
    await connectAndRun(target(trust.fingerprints, { onUnknownHostKey: () => Promise.reject(new Error('asked for a known host')) }));
  });

  it('ends the attempt with the callback error when the question is cancelled', async () => {
    await assert.rejects(
      connectAndRun(target([], { onUnknownHostKey: () => Promise.reject(new CancelledError('The host key question')) })),
      (error: unknown) => isCosvmError(error) && error.code === 'cancelled',
    );
  });
});
