import * as assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../emulator/server';
import { computeClients, operationOf, rejection, waitDone, type Clients } from './computeClients';

const project = 'faults-project';
const zone = 'us-east1-b';
const request = { project, zone, instance: 'vm-us-east1-b-0001' };

/**
 * What @google-cloud/compute 7.8.0 (google-gax 6.17) does with 429/503 and failed operations. Its
 * per-method config (instances_client_config.json) retries only "idempotent" methods (get, list,
 * aggregatedList, getSerialPortOutput, …) on DEADLINE_EXCEEDED and UNAVAILABLE: 503 → UNAVAILABLE (14) is
 * retried, 429 → RESOURCE_EXHAUSTED (8) is not, and POSTs are never retried unless a call passes `retry`.
 */
const retryBoth = {
  retry: {
    retryCodes: [8, 14],
    backoffSettings: {
      initialRetryDelayMillis: 20, retryDelayMultiplier: 1.3, maxRetryDelayMillis: 200,
      initialRpcTimeoutMillis: 10_000, rpcTimeoutMultiplier: 1, maxRpcTimeoutMillis: 10_000, totalTimeoutMillis: 10_000,
    },
  },
};

describe('Compute emulator: faults as the real client sees them', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let clients: Clients;

  beforeEach(async () => {
    emulator = await startEmulator({ stepMs: 5, randomSeed: 4 });
    emulator.seed({ project, zones: [zone], instancesPerZone: 3 });
    clients = computeClients(emulator);
    emulator.clearRequests();
  });

  afterEach(async () => {
    await emulator.close();
  });

  const statuses = () => emulator.requests().map((logged) => logged.status);

  it('retries a GET answered 503 by default (UNAVAILABLE is in the idempotent retry codes)', async () => {
    emulator.faults.failNext(2, 503);
    const [vm] = await clients.instances.get(request);
    assert.equal(vm.name, request.instance);
    assert.deepEqual(statuses(), [503, 503, 200]);
  });

  it('does not retry a GET answered 429 by default: GoogleError code 8, httpStatusCode 429, one request', async () => {
    emulator.faults.failNext(2, 429);
    const error = await rejection(clients.instances.get(request));
    assert.deepEqual(error, { code: 8, httpStatusCode: 429, message: 'Rate Limit Exceeded' });
    assert.deepEqual(statuses(), [429]);
  });

  it('retries 429 when the call passes retry codes [RESOURCE_EXHAUSTED, UNAVAILABLE]', async () => {
    emulator.faults.failNext(2, 429);
    const [vm] = await clients.instances.get(request, retryBoth);
    assert.equal(vm.name, request.instance);
    assert.deepEqual(statuses(), [429, 429, 200]);
  });

  it('never retries a POST by default (stop answered 503 fails after one request, the VM is untouched)', async () => {
    emulator.faults.failNext(1, 503);
    const error = await rejection(clients.instances.stop(request));
    assert.deepEqual(error, { code: 14, httpStatusCode: 503, message: 'The service is currently unavailable.' });
    assert.deepEqual(statuses(), [503]);
    const [vm] = await clients.instances.get(request);
    assert.equal(vm.status, 'RUNNING');
    emulator.clearRequests();
    emulator.faults.failNext(2, 503, { method: 'POST' });
    await waitDone(clients, project, await clients.instances.stop(request, retryBoth));
    assert.deepEqual(emulator.requests().filter((logged) => logged.method === 'POST' && logged.path.endsWith('/stop')).map((logged) => logged.status), [503, 503, 200]);
  });

  it('retries a failed page in the middle of listAsync and aggregatedListAsync without losing or repeating items', async () => {
    emulator.seed({ project, zones: [zone], instancesPerZone: 7 });
    const names: string[] = [];
    let pages = 0;
    for await (const vm of clients.instances.listAsync({ project, zone, maxResults: 4 })) {
      names.push(vm.name ?? '');
      // Fail the request for the next page (the client fetches it lazily).
      if (names.length === 4 && pages++ === 0) emulator.faults.failNext(1, 503);
    }
    assert.equal(names.length, 10);
    assert.equal(new Set(names).size, 10);
    assert.ok(statuses().includes(503));

    emulator.clearRequests();
    emulator.faults.failNext(1, 503, { path: /aggregated/ });
    let count = 0;
    for await (const [, scoped] of clients.instances.aggregatedListAsync({ project, maxResults: 4 })) count += scoped.instances?.length ?? 0;
    assert.equal(count, 10);
    assert.deepEqual(statuses().slice(0, 2), [503, 200]);
  });

  it('adds latency to every API request', async () => {
    emulator.faults.latencyMs = 150;
    const started = performance.now();
    await clients.instances.get(request);
    assert.ok(performance.now() - started >= 150);
    emulator.faults.latencyMs = 0;
  });

  it('surfaces a failed operation only through wait/get: DONE with error.errors[], httpErrorStatusCode, httpErrorMessage', async () => {
    emulator.faults.failNextOperation("Quota 'CPUS' exceeded.  Limit: 8.0 in region us-east1.");
    const answer = await clients.instances.stop(request);
    const lro = answer[0] as unknown as Record<string, unknown>;
    // The client resolves at once with the PENDING operation; no promise(), `name` is the numeric id (§1.7).
    assert.equal(typeof lro['promise'], 'undefined');
    assert.equal(lro['done'], false);
    assert.match(String(lro['name']), /^\d+$/);
    assert.equal(answer[1], null);
    assert.equal(operationOf(answer).status, 'PENDING');

    const done = await waitDone(clients, project, answer);
    assert.equal(done.status, 'DONE');
    assert.deepEqual(done.error?.errors?.map(({ code, message }) => ({ code, message })), [{ code: 'QUOTA_EXCEEDED', message: "Quota 'CPUS' exceeded.  Limit: 8.0 in region us-east1." }]);
    assert.equal(done.httpErrorStatusCode, 403);
    assert.equal(done.httpErrorMessage, 'FORBIDDEN');
    const [vm] = await clients.instances.get(request);
    assert.equal(vm.status, 'RUNNING', 'a failed stop leaves the instance running');

    emulator.faults.failNextOperation('No capacity in us-east1-b.', 'ZONE_RESOURCE_POOL_EXHAUSTED');
    const insert = await waitDone(clients, project, await clients.instances.insert({ project, zone, instanceResource: { name: 'never', machineType: 'e2-small' } }));
    assert.equal(insert.httpErrorStatusCode, 503);
    assert.equal(insert.error?.errors?.[0]?.code, 'ZONE_RESOURCE_POOL_EXHAUSTED');
    const gone = await rejection(clients.instances.get({ ...request, instance: 'never' }));
    assert.equal(gone.httpStatusCode, 404, 'a failed insert leaves no instance');
  });

  it('answers an unknown operation with 404 and wait returns at once for a DONE one', async () => {
    const missing = await rejection(clients.zoneOperations.get({ project, zone, operation: 'operation-1-2-3-4' }));
    assert.equal(missing.httpStatusCode, 404);
    const done = await waitDone(clients, project, await clients.instances.stop(request));
    const [again] = await clients.zoneOperations.wait({ project, zone, operation: done.name ?? '' });
    assert.equal(again.status, 'DONE');
    const wrongScope = await rejection(clients.zoneOperations.get({ project, zone: 'us-east1-c', operation: done.name ?? '' }));
    assert.equal(wrongScope.httpStatusCode, 404, 'operations belong to their zone');
  });
});
