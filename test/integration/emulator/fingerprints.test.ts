import * as assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../emulator/server';
import { computeClients, operationOf, rejection, waitDone, type Clients } from './computeClients';

const project = 'fingerprint-project';
const zone = 'europe-west1-b';
const instance = 'vm-europe-west1-b-0001';
const request = { project, zone, instance };

const STALE_METADATA_BODY = {
  error: {
    code: 412,
    message: 'Supplied fingerprint does not match current metadata fingerprint.',
    errors: [{ message: 'Supplied fingerprint does not match current metadata fingerprint.', domain: 'global', reason: 'conditionNotMet', locationType: 'header', location: 'If-Match' }],
  },
};

describe('Compute emulator: metadata and label fingerprints (412 conditionNotMet)', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let clients: Clients;

  beforeEach(async () => {
    emulator = await startEmulator({ stepMs: 5, randomSeed: 3 });
    emulator.seed({ project, zones: [zone], instancesPerZone: 1 });
    clients = computeClients(emulator);
  });

  afterEach(async () => {
    await emulator.close();
  });

  const items = (list: { key?: string | null; value?: string | null }[] | null | undefined) => (list ?? []).map(({ key, value }) => ({ key, value }));

  it("answers a stale fingerprint with Google's exact 412 body, and succeeds after re-reading", async () => {
    const [before] = await clients.instances.get(request);
    const stale = before.metadata?.fingerprint ?? '';
    await waitDone(clients, project, await clients.instances.setMetadata({ ...request, metadataResource: { fingerprint: stale, items: [{ key: 'first', value: '1' }] } }));

    const error = await rejection(clients.instances.setMetadata({ ...request, metadataResource: { fingerprint: stale, items: [{ key: 'second', value: '2' }] } }));
    assert.equal(error.httpStatusCode, 412);
    assert.equal(error.code, 9, 'gax maps 412 to FAILED_PRECONDITION');
    assert.equal(error.message, 'Supplied fingerprint does not match current metadata fingerprint.');
    const raw = await fetch(`${emulator.url}/compute/v1/projects/${project}/zones/${zone}/instances/${instance}/setMetadata`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fingerprint: stale, items: [] }),
    });
    assert.equal(raw.status, 412);
    assert.deepEqual(await raw.json(), STALE_METADATA_BODY);

    const [current] = await clients.instances.get(request);
    assert.notEqual(current.metadata?.fingerprint, stale);
    const merged = [...items(current.metadata?.items), { key: 'second', value: '2' }];
    await waitDone(clients, project, await clients.instances.setMetadata({ ...request, metadataResource: { fingerprint: current.metadata?.fingerprint ?? '', items: merged } }));
    const [after] = await clients.instances.get(request);
    assert.deepEqual(items(after.metadata?.items), merged, 'setMetadata replaced the whole list with the merged one');
    assert.notEqual(after.metadata?.fingerprint, current.metadata?.fingerprint, 'a new fingerprint on every change');
  });

  it('lets exactly one of two concurrent writers win; the other re-reads, merges and keeps both keys', async () => {
    const [seen] = await clients.instances.get(request);
    const base = items(seen.metadata?.items);
    const fingerprint = seen.metadata?.fingerprint ?? '';
    const write = (key: string) => clients.instances.setMetadata({ ...request, metadataResource: { fingerprint, items: [...base, { key, value: key }] } });
    const outcomes = await Promise.allSettled([write('writer-a'), write('writer-b')]);
    assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ['fulfilled', 'rejected']);
    const loser = outcomes[0]?.status === 'rejected' ? 'writer-a' : 'writer-b';
    const [reread] = await clients.instances.get(request);
    await waitDone(clients, project, await clients.instances.setMetadata({ ...request, metadataResource: { fingerprint: reread.metadata?.fingerprint ?? '', items: [...items(reread.metadata?.items), { key: loser, value: loser }] } }));
    const [final] = await clients.instances.get(request);
    const keys = items(final.metadata?.items).map((item) => item.key);
    assert.ok(keys.includes('writer-a') && keys.includes('writer-b') && keys.includes('gce-container-declaration'), keys.join(','));
  });

  it('treats a missing fingerprint as stale, and validates keys and value sizes', async () => {
    const missing = await rejection(clients.instances.setMetadata({ ...request, metadataResource: { items: [{ key: 'x', value: 'y' }] } }));
    assert.equal(missing.httpStatusCode, 412);
    const [vm] = await clients.instances.get(request);
    const fingerprint = vm.metadata?.fingerprint ?? '';
    const badKey = await rejection(clients.instances.setMetadata({ ...request, metadataResource: { fingerprint, items: [{ key: 'not ok', value: 'y' }] } }));
    assert.equal(badKey.httpStatusCode, 400);
    const tooBig = await rejection(clients.instances.setMetadata({ ...request, metadataResource: { fingerprint, items: [{ key: 'big', value: 'x'.repeat(262_145) }] } }));
    assert.equal(tooBig.httpStatusCode, 400);
    assert.match(tooBig.message, /too large: maximum size 262144/);
  });

  it('checks labelFingerprint on setLabels and changes it on success', async () => {
    const [vm] = await clients.instances.get(request);
    const stale = await rejection(clients.instances.setLabels({ ...request, instancesSetLabelsRequestResource: { labelFingerprint: 'c3RhbGU=', labels: { env: 'test' } } }));
    assert.equal(stale.httpStatusCode, 412);
    assert.equal(stale.message, 'Labels fingerprint either invalid or resource labels have changed');
    const answer = await clients.instances.setLabels({ ...request, instancesSetLabelsRequestResource: { labelFingerprint: vm.labelFingerprint ?? '', labels: { env: 'test', team: 'infra' } } });
    assert.equal(operationOf(answer).operationType, 'setLabels');
    await waitDone(clients, project, answer);
    const [after] = await clients.instances.get(request);
    assert.deepEqual({ ...after.labels }, { env: 'test', team: 'infra' });
    assert.notEqual(after.labelFingerprint, vm.labelFingerprint);
    const badLabel = await rejection(clients.instances.setLabels({ ...request, instancesSetLabelsRequestResource: { labelFingerprint: after.labelFingerprint ?? '', labels: { Env: 'x' } } }));
    assert.equal(badLabel.httpStatusCode, 400);
  });

  it('keeps project metadata with its own fingerprint; setCommonInstanceMetadata is a global operation', async () => {
    const [before] = await clients.projects.get({ project });
    assert.equal(before.name, project);
    assert.equal(before.commonInstanceMetadata?.fingerprint, '42WmSpB8rSM=', 'the fingerprint Compute shows for empty metadata');
    const answer = await clients.projects.setCommonInstanceMetadata({ project, metadataResource: { fingerprint: before.commonInstanceMetadata?.fingerprint ?? '', items: [{ key: 'ssh-keys', value: 'alice:ssh-ed25519 AAAA alice' }] } });
    const operation = operationOf(answer);
    assert.equal(operation.zone ?? undefined, undefined);
    assert.equal(operation.region ?? undefined, undefined);
    assert.match(operation.selfLink ?? '', /\/projects\/fingerprint-project\/global\/operations\/operation-/);
    assert.equal((await waitDone(clients, project, answer)).status, 'DONE');
    const [after] = await clients.projects.get({ project });
    assert.deepEqual(items(after.commonInstanceMetadata?.items), [{ key: 'ssh-keys', value: 'alice:ssh-ed25519 AAAA alice' }]);
    const stale = await rejection(clients.projects.setCommonInstanceMetadata({ project, metadataResource: { fingerprint: before.commonInstanceMetadata?.fingerprint ?? '', items: [] } }));
    assert.equal(stale.httpStatusCode, 412);
    // The client leaves `items` out of the body when the list is empty; that clears the metadata.
    await waitDone(clients, project, await clients.projects.setCommonInstanceMetadata({ project, metadataResource: { fingerprint: after.commonInstanceMetadata?.fingerprint ?? '', items: [] } }));
    const [cleared] = await clients.projects.get({ project });
    assert.deepEqual(items(cleared.commonInstanceMetadata?.items), []);
  });
});
