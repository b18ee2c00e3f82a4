import * as assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../emulator/server';
import type { EmulatedInstance, VmHost, VmIo } from '../../emulator/vmHost';
import { computeClients, operationOf, rejection, waitDone, type Clients } from './computeClients';

const project = 'lifecycle-project';
const zone = 'us-central1-a';

function instanceBody(name: string, metadata: Record<string, string> = {}) {
  return {
    name,
    machineType: `zones/${zone}/machineTypes/e2-small`,
    labels: { app: 'web' },
    metadata: { items: Object.entries(metadata).map(([key, value]) => ({ key, value })) },
    disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/cos-cloud/global/images/family/cos-stable', diskSizeGb: '20' } }],
    networkInterfaces: [{ network: 'global/networks/default', accessConfigs: [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT' }] }],
  };
}

/** Records every hook with the status the instance had at that moment. */
class RecordingHost implements VmHost {
  readonly calls: string[] = [];
  failStart = false;

  start(instance: EmulatedInstance, io: VmIo): Promise<void> {
    this.calls.push(`start ${instance.name} ${instance.status} ${instance.natIP}`);
    if (this.failStart) return Promise.reject(new Error('sshd did not come up'));
    io.appendSerial(`host booted ${instance.name}\n`);
    io.setGuestAttribute('hostkeys', 'ssh-ed25519', 'AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyFromTheHost');
    return Promise.resolve();
  }

  stop(instance: EmulatedInstance): Promise<void> {
    this.calls.push(`stop ${instance.name} ${instance.status}`);
    return Promise.resolve();
  }

  reset(instance: EmulatedInstance, io: VmIo): Promise<void> {
    this.calls.push(`reset ${instance.name} ${instance.status}`);
    io.appendSerial('host reset\n');
    return Promise.resolve();
  }

  delete(instance: EmulatedInstance): Promise<void> {
    this.calls.push(`delete ${instance.name}`);
    return Promise.resolve();
  }

  metadataChanged(instance: EmulatedInstance): Promise<void> {
    const keys = instance.metadata.items.map((item) => item.key).join(',');
    const projectKeys = instance.projectMetadata.items.map((item) => item.key).join(',');
    this.calls.push(`metadataChanged ${instance.name} [${keys}] project [${projectKeys}]`);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.calls.push('close');
    return Promise.resolve();
  }
}

describe('Compute emulator: instance lifecycle through the real client', function () {
  this.timeout(60_000);

  describe('without a host', () => {
    let emulator: Emulator;
    let clients: Clients;

    beforeEach(async () => {
      emulator = await startEmulator({ manualClock: true, randomSeed: 2 });
      clients = computeClients(emulator);
    });

    afterEach(async () => {
      await emulator.close();
    });

    const status = async (name: string) => (await clients.instances.get({ project, zone, instance: name }))[0].status;

    it('inserts from a body: PROVISIONING → STAGING → RUNNING, with realistic fields', async () => {
      const answer = await clients.instances.insert({ project, zone, instanceResource: instanceBody('web-1', { 'user-data': '#cloud-config\n' }) });
      const started = operationOf(answer);
      assert.equal(started.status, 'PENDING');
      assert.equal(started.operationType, 'insert');
      assert.match(started.name ?? '', /^operation-\d+-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+$/);
      assert.ok(started.zone?.endsWith(`/projects/${project}/zones/${zone}`));
      const seen = [await status('web-1')];
      for (let i = 0; i < 4; i++) {
        await emulator.advance();
        seen.push(await status('web-1'));
      }
      assert.deepEqual([...new Set(seen)], ['PROVISIONING', 'STAGING', 'RUNNING']);
      await emulator.settle();
      const [operation] = await clients.zoneOperations.get({ project, zone, operation: started.name ?? '' });
      assert.equal(operation.status, 'DONE');
      assert.equal(operation.progress, 100);

      const [vm] = await clients.instances.get({ project, zone, instance: 'web-1' });
      assert.equal(vm.kind, 'compute#instance');
      assert.match(String(vm.id), /^\d{19}$/, 'id is an int64 string');
      assert.equal(vm.zone, `https://www.googleapis.com/compute/v1/projects/${project}/zones/${zone}`);
      assert.equal(vm.machineType, `https://www.googleapis.com/compute/v1/projects/${project}/zones/${zone}/machineTypes/e2-small`);
      assert.equal(vm.selfLink, `https://www.googleapis.com/compute/v1/projects/${project}/zones/${zone}/instances/web-1`);
      assert.deepEqual(vm.labels, { app: 'web' });
      assert.ok(vm.labelFingerprint && vm.metadata?.fingerprint);
      assert.equal(vm.metadata?.kind, 'compute#metadata');
      assert.deepEqual(vm.metadata?.items?.map((item) => item.key), ['user-data']);
      assert.match(vm.networkInterfaces?.[0]?.accessConfigs?.[0]?.natIP ?? '', /^127\.0\.10\.\d+$/);
      assert.equal(vm.disks?.[0]?.boot, true);
      assert.equal(String(vm.disks?.[0]?.diskSizeGb), '20');
      assert.ok(vm.disks?.[0]?.licenses?.some((license) => license.endsWith('/projects/cos-cloud/global/licenses/cos')));
      assert.match(vm.serviceAccounts?.[0]?.email ?? '', /^\d+-compute@developer\.gserviceaccount\.com$/);
      assert.match(vm.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-07:00$/);

      const duplicate = await rejection(clients.instances.insert({ project, zone, instanceResource: instanceBody('web-1') }));
      assert.equal(duplicate.httpStatusCode, 409);
      assert.equal(duplicate.code, 10, 'gax maps 409 to ABORTED');
      assert.equal(duplicate.message, `The resource 'projects/${project}/zones/${zone}/instances/web-1' already exists`);
    });

    it('gives every instance its own natIP in 127.0.0.0/8', async () => {
      for (const name of ['a-1', 'a-2', 'a-3']) await clients.instances.insert({ project, zone, instanceResource: instanceBody(name) });
      await emulator.settle();
      const [list] = await clients.instances.list({ project, zone }, { autoPaginate: false });
      const ips = list.map((vm) => vm.networkInterfaces?.[0]?.accessConfigs?.[0]?.natIP);
      assert.deepEqual(ips, ['127.0.10.1', '127.0.10.2', '127.0.10.3']);
    });

    it('inserts from ?sourceInstanceTemplate= with body fields overriding the template', async () => {
      await clients.instanceTemplates.insert({
        project,
        instanceTemplateResource: {
          name: 'tmpl',
          properties: { machineType: 'e2-micro', labels: { tier: 'gold' }, metadata: { items: [{ key: 'from', value: 'template' }] } },
        },
      });
      await emulator.settle();
      await clients.instances.insert({ project, zone, sourceInstanceTemplate: `projects/${project}/global/instanceTemplates/tmpl`, instanceResource: { name: 'from-tmpl' } });
      await clients.instances.insert({
        project, zone, sourceInstanceTemplate: 'global/instanceTemplates/tmpl',
        instanceResource: { name: 'overridden', metadata: { items: [{ key: 'from', value: 'body' }] } },
      });
      await emulator.settle();
      const [plain] = await clients.instances.get({ project, zone, instance: 'from-tmpl' });
      assert.ok(plain.machineType?.endsWith('/machineTypes/e2-micro'));
      assert.deepEqual(plain.labels, { tier: 'gold' }, 'the client sends labels: {} which must not wipe the template labels');
      // Decoded objects carry proto3-optional markers (`_key: 'key'`), so compare the fields only (§1.8).
      const items = (vm: typeof plain) => vm.metadata?.items?.map(({ key, value }) => ({ key, value }));
      assert.deepEqual(items(plain), [{ key: 'from', value: 'template' }]);
      const [overridden] = await clients.instances.get({ project, zone, instance: 'overridden' });
      assert.deepEqual(items(overridden), [{ key: 'from', value: 'body' }]);
      const missing = await rejection(clients.instances.insert({ project, zone, sourceInstanceTemplate: 'global/instanceTemplates/nope', instanceResource: { name: 'x' } }));
      assert.equal(missing.httpStatusCode, 404);
    });

    it('stops (STOPPING → TERMINATED), starts (STAGING → RUNNING), resets only when running, deletes (404 after)', async () => {
      emulator.seed({ project, zones: [zone], instancesPerZone: 1 });
      const name = 'vm-us-central1-a-0001';
      const request = { project, zone, instance: name };
      const trace = async (call: () => Promise<unknown>) => {
        const answer = await call();
        const statuses = [await status(name)];
        for (let i = 0; i < 3; i++) {
          await emulator.advance();
          statuses.push(await status(name));
        }
        await emulator.settle();
        return { statuses: [...new Set(statuses)], operation: operationOf(answer) };
      };
      const stop = await trace(() => clients.instances.stop(request));
      assert.deepEqual(stop.statuses, ['RUNNING', 'STOPPING', 'TERMINATED']);
      assert.equal(stop.operation.operationType, 'stop');
      const reset = await rejection(clients.instances.reset(request));
      assert.equal(reset.httpStatusCode, 400);
      assert.match(reset.message, /is not ready/);
      const start = await trace(() => clients.instances.start(request));
      assert.deepEqual(start.statuses, ['TERMINATED', 'STAGING', 'RUNNING']);
      const [again] = await clients.instances.reset(request);
      assert.equal(operationOf([again]).operationType, 'reset');
      await emulator.settle();
      assert.equal(await status(name), 'RUNNING');

      const [serial] = await clients.instances.getSerialPortOutput({ ...request, port: 1 });
      assert.match(serial.contents ?? '', /reboot: Power down[\s\S]*login: [\s\S]*reboot: Restarting system[\s\S]*login: /, 'shutdown and boot lines in order');

      await clients.instances.delete(request);
      assert.equal(await status(name), 'RUNNING', 'still there while the delete is pending');
      await emulator.settle();
      const gone = await rejection(clients.instances.get(request));
      assert.equal(gone.httpStatusCode, 404);
      assert.equal(gone.code, 5);
      assert.equal(gone.message, `The resource 'projects/${project}/zones/${zone}/instances/${name}' was not found`);
    });

    it('refuses a second lifecycle operation while one is running', async () => {
      emulator.seed({ project, zones: [zone], instancesPerZone: 1 });
      const request = { project, zone, instance: 'vm-us-central1-a-0001' };
      await clients.instances.stop(request);
      const busy = await rejection(clients.instances.reset(request));
      assert.equal(busy.httpStatusCode, 400);
      await emulator.settle();
    });

    it('answers 400 for an unknown zone and a bad name, with Google error text', async () => {
      const zoneError = await rejection(clients.instances.list({ project, zone: 'mars-north1-a' }, { autoPaginate: false }));
      assert.equal(zoneError.httpStatusCode, 400);
      assert.equal(zoneError.message, "Invalid value for field 'zone': 'mars-north1-a'. Unknown zone.");
      const nameError = await rejection(clients.instances.insert({ project, zone, instanceResource: instanceBody('Bad_Name') }));
      assert.equal(nameError.httpStatusCode, 400);
      assert.match(nameError.message, /^Invalid value for field 'resource.name': 'Bad_Name'\. Must be a match of regex/);
    });

    it('answers 404 for unknown projects when strictProjects is set', async () => {
      const strict = await startEmulator({ strictProjects: true });
      try {
        const strictClients = computeClients(strict);
        const error = await rejection(strictClients.instances.get({ project: 'nobody', zone, instance: 'x' }));
        assert.equal(error.httpStatusCode, 404);
        assert.equal(error.message, "The resource 'projects/nobody' was not found");
        strict.createProject('nobody');
        const [list] = await strictClients.instances.list({ project: 'nobody', zone }, { autoPaginate: false });
        assert.deepEqual(list, []);
      } finally {
        await strict.close();
      }
    });
  });

  describe('with a VmHost', () => {
    let emulator: Emulator;
    let clients: Clients;
    let host: RecordingHost;

    beforeEach(async () => {
      host = new RecordingHost();
      emulator = await startEmulator({ host, stepMs: 5, onError: () => {} });
      clients = computeClients(emulator);
    });

    afterEach(async () => {
      await emulator.close();
    });

    it('calls start once RUNNING, stop while STOPPING, reset, metadataChanged, delete, and close', async () => {
      const request = { project, zone, instance: 'web-1' };
      await waitDone(clients, project, await clients.instances.insert({ project, zone, instanceResource: instanceBody('web-1', { a: '1' }) }));
      const [vm] = await clients.instances.get(request);
      await waitDone(clients, project, await clients.instances.setMetadata({ ...request, metadataResource: { fingerprint: vm.metadata?.fingerprint ?? '', items: [{ key: 'ssh-keys', value: 'alice:ssh-ed25519 AAAA alice' }] } }));
      const [projectInfo] = await clients.projects.get({ project });
      await waitDone(clients, project, await clients.projects.setCommonInstanceMetadata({ project, metadataResource: { fingerprint: projectInfo.commonInstanceMetadata?.fingerprint ?? '', items: [{ key: 'ssh-keys', value: 'bob:ssh-ed25519 BBBB bob' }] } }));
      await waitDone(clients, project, await clients.instances.reset(request));
      await waitDone(clients, project, await clients.instances.stop(request));
      await waitDone(clients, project, await clients.instances.start(request));
      await waitDone(clients, project, await clients.instances.delete(request));
      await emulator.close();
      assert.deepEqual(host.calls, [
        'start web-1 RUNNING 127.0.10.1',
        'metadataChanged web-1 [ssh-keys] project []',
        'metadataChanged web-1 [ssh-keys] project [ssh-keys]',
        'reset web-1 RUNNING',
        'stop web-1 STOPPING',
        'start web-1 RUNNING 127.0.10.1',
        'stop web-1 STOPPING',
        'delete web-1',
        'close',
      ]);
    });

    it("serves what the host wrote: serial output and guest attributes (only where they are enabled)", async () => {
      const request = { project, zone, instance: 'web-2' };
      await waitDone(clients, project, await clients.instances.insert({ project, zone, instanceResource: instanceBody('web-2', { 'enable-guest-attributes': 'TRUE' }) }));
      const [serial] = await clients.instances.getSerialPortOutput({ ...request, port: 1 });
      assert.equal(serial.contents, 'host booted web-2\n', 'no emulator boot lines when a host runs the VM');
      const [attributes] = await clients.instances.getGuestAttributes({ ...request, queryPath: 'hostkeys/' });
      assert.deepEqual(attributes.queryValue?.items?.map((item) => [item.namespace, item.key]), [['hostkeys', 'ssh-ed25519']]);
      // Without enable-guest-attributes the guest agent cannot write them: Compute answers 404.
      await waitDone(clients, project, await clients.instances.insert({ project, zone, instanceResource: instanceBody('web-3') }));
      await assert.rejects(clients.instances.getGuestAttributes({ project, zone, instance: 'web-3', queryPath: 'hostkeys/' }), /The resource 'hostkeys\/' of type 'Guest Attribute' was not found/);
    });

    it('fails the operation with the host error when the host cannot start the VM', async () => {
      host.failStart = true;
      const operation = await waitDone(clients, project, await clients.instances.insert({ project, zone, instanceResource: instanceBody('broken') }));
      assert.equal(operation.status, 'DONE');
      assert.equal(operation.error?.errors?.[0]?.code, 'INTERNAL_ERROR');
      assert.match(operation.error?.errors?.[0]?.message ?? '', /failed to start instance 'broken': sshd did not come up/);
      assert.equal(operation.httpErrorStatusCode, 500);
    });
  });
});
