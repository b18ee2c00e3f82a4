import * as assert from 'node:assert/strict';
import { createComputeClients } from '../../../src/core/gce/computeClients';
import { operationOf, waitForOperation } from '../../../src/core/gce/operations';
import { addInstanceSshKey } from '../../../src/core/gce/sshKeys';
import { expiringKeyEntry } from '../../../src/core/ssh/keys';
import { startEmulator } from '../../emulator/server';

describe('adding SSH keys to instance metadata (emulator, real client)', function () {
  this.timeout(60_000);

  it("keeps other users' keys and every other key byte-identical, and survives a concurrent writer", async () => {
    process.env['METADATA_SERVER_DETECTION'] = 'none';
    const emulator = await startEmulator();
    try {
      const clients = createComputeClients({ endpoint: new URL(emulator.url) });
      const ref = { project: 'keys-project', zone: 'us-central1-a', name: 'vm-1' };
      const others = 'bob:ssh-rsa AAAAB3Nz bob@laptop\ncarol:ssh-ed25519 AAAAC3Nz carol';
      const startup = '#!/bin/bash\necho  "spaces   kept"\n';
      const [answer] = await clients.instances.insert({
        project: ref.project,
        zone: ref.zone,
        instanceResource: {
          name: ref.name,
          machineType: 'zones/us-central1-a/machineTypes/e2-small',
          metadata: { items: [{ key: 'ssh-keys', value: others }, { key: 'startup-script', value: startup }, { key: 'custom', value: 'x=1' }] },
          disks: [{ boot: true, initializeParams: { sourceImage: 'projects/cos-cloud/global/images/family/cos-stable' } }],
          networkInterfaces: [{ accessConfigs: [{ type: 'ONE_TO_ONE_NAT' }] }],
        },
      });
      await waitForOperation(clients, ref.project, operationOf([answer]), 'insert');
      const expires = new Date(Date.now() + 3_600_000);
      // Two writers at once: one of them meets a stale fingerprint and must re-read and merge again.
      await Promise.all([
        addInstanceSshKey(clients, ref, expiringKeyEntry('alice', 'ssh-ed25519 AAAAalice', expires)),
        addInstanceSshKey(clients, ref, expiringKeyEntry('dan', 'ssh-ed25519 AAAAdan', expires)),
      ]);
      const [instance] = await clients.instances.get({ project: ref.project, zone: ref.zone, instance: ref.name });
      const items = new Map((instance.metadata?.items ?? []).map((item) => [item.key, item.value]));
      assert.equal(items.get('startup-script'), startup);
      assert.equal(items.get('custom'), 'x=1');
      const lines = (items.get('ssh-keys') ?? '').split('\n');
      assert.deepEqual(lines.slice(0, 2), others.split('\n'));
      assert.ok(lines.some((line) => line.startsWith('alice:ssh-ed25519 AAAAalice google-ssh')), lines.join('\n'));
      assert.ok(lines.some((line) => line.startsWith('dan:ssh-ed25519 AAAAdan google-ssh')), lines.join('\n'));
      assert.ok(emulator.requests().some((r) => r.path.endsWith('/setMetadata') && r.status === 412), 'no writer met a stale fingerprint');
    } finally {
      await emulator.close();
    }
  });
});
