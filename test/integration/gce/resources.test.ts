import * as assert from 'node:assert/strict';
import { isCosvmError } from '../../../src/core/errors';
import { createComputeClients, type ComputeClients } from '../../../src/core/gce/computeClients';
import { getInstance, instanceAction, listInstances, listMigs, listTemplates } from '../../../src/core/gce/resources';
import { startEmulator, type Emulator } from '../../emulator/server';
import { playgroundProject, seedPlaygroundProject } from '../../support/playgroundProject';

describe('GCE facade (src/core/gce) against the emulator', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let clients: ComputeClients;

  before(async () => {
    process.env['METADATA_SERVER_DETECTION'] = 'none';
    emulator = await startEmulator();
    clients = createComputeClients({ endpoint: new URL(emulator.url) });
  });

  after(async () => {
    await emulator.close();
  });

  it('lists every instance of many zones exactly once, streaming batches', async () => {
    emulator.seed({ project: 'paging-project', zones: ['a-zone-a', 'b-zone-b', 'c-zone-c'], instancesPerZone: 411, running: true });
    let batches = 0;
    const all = await listInstances(clients, 'paging-project', { pageSize: 500, onBatch: () => batches++ });
    assert.equal(all.length, 1233);
    assert.equal(new Set(all.map((i) => `${i.zone}/${i.name}`)).size, 1233);
    assert.ok(batches >= 3, `${batches} batches`);
  });

  it('retries 429 and 503 on reads', async () => {
    await seedPlaygroundProject(new URL(emulator.url));
    await emulator.settle();
    emulator.clearRequests();
    emulator.faults.failNext(2, 429);
    const instance = await getInstance(clients, { project: playgroundProject, zone: 'us-central1-a', name: 'legacy-1' });
    assert.deepEqual(emulator.requests().filter((r) => r.path.endsWith('/instances/legacy-1')).map((r) => r.status), [429, 429, 200]);
    assert.equal(instance.deployMode, 'konlet');
    assert.deepEqual(instance.images, ['localhost:5000/cosvm/hello:1']);
    emulator.clearRequests();
    emulator.faults.failNext(2, 503);
    assert.ok((await listInstances(clients, playgroundProject)).length >= 6);
    assert.deepEqual(emulator.requests().filter((r) => r.path.endsWith('/aggregated/instances')).map((r) => r.status), [503, 503, 200]);
    emulator.faults.failNext(1, 503);
    assert.deepEqual((await listTemplates(clients, playgroundProject)).map((t) => [t.name, t.scope, t.deployMode]), [['web-template-v1', 'global', 'cloud-init']]);
    emulator.faults.failNext(1, 429);
    assert.equal((await listMigs(clients, playgroundProject))[0]?.targetSize, 3);
  });

  it('waits for operations and surfaces a failed one with its message', async () => {
    const ref = { project: playgroundProject, zone: 'us-central1-a', name: 'web-1' };
    await instanceAction(clients, ref, 'stop');
    assert.equal((await getInstance(clients, ref)).status, 'TERMINATED');
    emulator.faults.failNextOperation("Quota 'CPUS' exceeded.  Limit: 8.0 in region us-central1.", 'QUOTA_EXCEEDED');
    await assert.rejects(instanceAction(clients, ref, 'start'), (error: unknown) => {
      assert.ok(isCosvmError(error));
      assert.equal(error.code, 'gce/operation-failed');
      assert.match(error.userMessage, /Start web-1 failed: Quota 'CPUS' exceeded/);
      return true;
    });
  });

  it('says not found for a missing instance', async () => {
    await assert.rejects(
      getInstance(clients, { project: playgroundProject, zone: 'us-central1-a', name: 'nope' }),
      (error: unknown) => isCosvmError(error) && error.code === 'gce/not-found' && /nope/.test(error.userMessage),
    );
  });
});
