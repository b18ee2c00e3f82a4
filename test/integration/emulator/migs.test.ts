import * as assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../emulator/server';
import { computeClients, operationOf, rejection, waitDone, type Clients } from './computeClients';

const project = 'mig-project';
const zone = 'us-central1-a';
const region = 'us-central1';

function templateBody(name: string, image: string) {
  return {
    name,
    properties: {
      machineType: 'e2-small',
      disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/cos-cloud/global/images/family/cos-stable' } }],
      networkInterfaces: [{ network: 'global/networks/default', accessConfigs: [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT' }] }],
      metadata: { items: [{ key: 'gce-container-declaration', value: `spec:\n  containers:\n  - name: web\n    image: ${image}\n` }] },
      labels: { app: 'web' },
    },
  };
}

const templateLink = (name: string) => `https://www.googleapis.com/compute/v1/projects/${project}/global/instanceTemplates/${name}`;

describe('Compute emulator: instance templates and managed instance groups through the real client', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let clients: Clients;

  beforeEach(async () => {
    emulator = await startEmulator({ manualClock: true, randomSeed: 5 });
    clients = computeClients(emulator);
    await clients.instanceTemplates.insert({ project, instanceTemplateResource: templateBody('web-v1', 'gcr.io/p/web:1') });
    await clients.instanceTemplates.insert({ project, instanceTemplateResource: templateBody('web-v2', 'gcr.io/p/web:2') });
    await emulator.settle();
  });

  afterEach(async () => {
    await emulator.close();
  });

  const managed = async (name = 'web') => {
    const [list] = await clients.instanceGroupManagers.listManagedInstances({ project, zone, instanceGroupManager: name }, { autoPaginate: false });
    return list.map((m) => ({ name: m.name ?? '', action: m.currentAction ?? '', status: m.instanceStatus ?? '', template: (m.version?.instanceTemplate ?? '').split('/').pop() ?? '', id: String(m.id ?? '') }));
  };
  const mig = async (name = 'web') => (await clients.instanceGroupManagers.get({ project, zone, instanceGroupManager: name }))[0];

  async function createMig(size: number, updatePolicy?: Record<string, unknown>) {
    const answer = await clients.instanceGroupManagers.insert({
      project, zone,
      instanceGroupManagerResource: { name: 'web', baseInstanceName: 'web', targetSize: size, instanceTemplate: `projects/${project}/global/instanceTemplates/web-v1`, ...(updatePolicy ? { updatePolicy } : {}) },
    });
    assert.equal(operationOf(answer).operationType, 'compute.instanceGroupManagers.insert');
    await emulator.settle();
  }

  it('stores global and regional templates: get, list, 409, delete, and refuses to delete one in use', async () => {
    const [template] = await clients.instanceTemplates.get({ project, instanceTemplate: 'web-v1' });
    assert.equal(template.kind, 'compute#instanceTemplate');
    assert.equal(template.selfLink, templateLink('web-v1'));
    assert.equal(template.properties?.machineType, 'e2-small', 'templates keep the short machine type');
    assert.equal(template.properties?.metadata?.items?.[0]?.key, 'gce-container-declaration');
    const [list] = await clients.instanceTemplates.list({ project }, { autoPaginate: false });
    assert.deepEqual(list.map((t) => t.name), ['web-v1', 'web-v2']);
    const duplicate = await rejection(clients.instanceTemplates.insert({ project, instanceTemplateResource: templateBody('web-v1', 'x') }));
    assert.equal(duplicate.httpStatusCode, 409);

    const regional = await clients.regionInstanceTemplates.insert({ project, region, instanceTemplateResource: templateBody('web-r1', 'gcr.io/p/web:1') });
    assert.ok(operationOf(regional).region?.endsWith(`/regions/${region}`), 'regional templates use region operations');
    assert.equal((await waitAfterSettle(regional)).status, 'DONE');
    const [got] = await clients.regionInstanceTemplates.get({ project, region, instanceTemplate: 'web-r1' });
    assert.ok(got.region?.endsWith(`/regions/${region}`));

    const scopes: Record<string, string[]> = {};
    for await (const [scope, scoped] of clients.instanceTemplates.aggregatedListAsync({ project })) {
      if ((scoped.instanceTemplates ?? []).length > 0) scopes[scope] = (scoped.instanceTemplates ?? []).map((t) => t.name ?? '');
    }
    assert.deepEqual(scopes, { global: ['web-v1', 'web-v2'], [`regions/${region}`]: ['web-r1'] });

    await createMig(1);
    const inUse = await rejection(clients.instanceTemplates.delete({ project, instanceTemplate: 'web-v1' }));
    assert.equal(inUse.httpStatusCode, 400);
    assert.match(inUse.message, /is already being used by 'projects\/mig-project\/zones\/us-central1-a\/instanceGroupManagers\/web'/);
    await clients.instanceTemplates.delete({ project, instanceTemplate: 'web-v2' });
    await emulator.settle();
    assert.equal((await rejection(clients.instanceTemplates.get({ project, instanceTemplate: 'web-v2' }))).httpStatusCode, 404);
  });

  async function waitAfterSettle(answer: unknown) {
    await emulator.settle();
    return waitDone(clients, project, answer);
  }

  it('creates members from the template (baseInstanceName-xxxx), CREATING then NONE', async () => {
    await clients.instanceGroupManagers.insert({
      project, zone, instanceGroupManagerResource: { name: 'web', baseInstanceName: 'web', targetSize: 3, instanceTemplate: `global/instanceTemplates/web-v1` },
    });
    const creating = await managed();
    assert.equal(creating.length, 3);
    assert.ok(creating.every((m) => m.action === 'CREATING'), JSON.stringify(creating));
    assert.equal((await mig()).status?.isStable, false);
    await emulator.settle();
    const members = await managed();
    assert.ok(members.every((m) => /^web-[a-z0-9]{4}$/.test(m.name) && m.action === 'NONE' && m.status === 'RUNNING' && m.template === 'web-v1'), JSON.stringify(members));
    const group = await mig();
    assert.equal(group.targetSize, 3);
    assert.equal(group.status?.isStable, true);
    assert.equal(group.status?.versionTarget?.isReached, true);
    assert.equal(group.currentActions?.none, 3);
    assert.equal(group.instanceTemplate, templateLink('web-v1'));
    const [instance] = await clients.instances.get({ project, zone, instance: members[0]?.name ?? '' });
    const metadata = new Map((instance.metadata?.items ?? []).map(({ key, value }) => [key ?? '', value ?? '']));
    assert.match(metadata.get('created-by') ?? '', /^projects\/\d+\/zones\/us-central1-a\/instanceGroupManagers\/web$/);
    assert.match(metadata.get('instance-template') ?? '', /^projects\/\d+\/global\/instanceTemplates\/web-v1$/);
    assert.ok(metadata.get('gce-container-declaration')?.includes('gcr.io/p/web:1'));
    assert.deepEqual({ ...instance.labels }, { app: 'web' });
  });

  it('rolls out a patch with new versions: members move RECREATING → NONE to the new template, then versionTarget.isReached', async () => {
    await createMig(3, { type: 'PROACTIVE', minimalAction: 'REPLACE', maxSurge: { fixed: 1 }, maxUnavailable: { fixed: 0 } });
    const before = await managed();
    const answer = await clients.instanceGroupManagers.patch({
      project, zone, instanceGroupManager: 'web',
      instanceGroupManagerResource: { versions: [{ name: 'v2', instanceTemplate: `projects/${project}/global/instanceTemplates/web-v2` }] },
    });
    assert.equal(operationOf(answer).operationType, 'compute.instanceGroupManagers.patch');
    const snapshots: string[] = [];
    const snapshot = async () => snapshots.push((await managed()).map((m) => `${m.action}:${m.template}`).join(' '));
    await snapshot();
    assert.equal((await mig()).status?.versionTarget?.isReached, false);
    for (let i = 0; i < 20 && !snapshots.at(-1)?.split(' ').every((s) => s === 'NONE:web-v2'); i++) {
      await emulator.advance();
      await snapshot();
    }
    const distinct = snapshots.filter((s, i) => s !== snapshots[i - 1]);
    // One member at a time (maxSurge 1 + maxUnavailable 0), in name order; `version` is the intended one.
    assert.deepEqual(distinct, [
      'RECREATING:web-v2 NONE:web-v1 NONE:web-v1',
      'NONE:web-v2 RECREATING:web-v2 NONE:web-v1',
      'NONE:web-v2 NONE:web-v2 RECREATING:web-v2',
      'NONE:web-v2 NONE:web-v2 NONE:web-v2',
    ]);
    await emulator.settle();
    const after = await managed();
    assert.deepEqual(after.map((m) => m.name), before.map((m) => m.name), 'recreated in place: same names');
    assert.ok(after.every((m, i) => m.id !== before[i]?.id), 'new instances, new ids');
    const group = await mig();
    assert.equal(group.status?.versionTarget?.isReached, true);
    assert.equal(group.status?.isStable, true);
    assert.deepEqual(group.versions?.map((v) => [v.name, v.instanceTemplate]), [['v2', templateLink('web-v2')]]);
  });

  it('moves members in batches of maxSurge + maxUnavailable, and keeps a canary version at its target size', async () => {
    await createMig(4, { type: 'PROACTIVE', minimalAction: 'REPLACE', maxSurge: { fixed: 1 }, maxUnavailable: { fixed: 1 } });
    await clients.instanceGroupManagers.patch({
      project, zone, instanceGroupManager: 'web',
      instanceGroupManagerResource: { versions: [{ name: 'v2', instanceTemplate: `global/instanceTemplates/web-v2` }] },
    });
    assert.equal((await managed()).filter((m) => m.action === 'RECREATING').length, 2);
    await emulator.settle();
    await clients.instanceGroupManagers.patch({
      project, zone, instanceGroupManager: 'web',
      instanceGroupManagerResource: { versions: [{ name: 'stable', instanceTemplate: `global/instanceTemplates/web-v1` }, { name: 'canary', instanceTemplate: `global/instanceTemplates/web-v2`, targetSize: { fixed: 1 } }] },
    });
    await emulator.settle();
    const templates = (await managed()).map((m) => m.template).sort();
    assert.deepEqual(templates, ['web-v1', 'web-v1', 'web-v1', 'web-v2']);
    assert.equal((await mig()).status?.versionTarget?.isReached, true);
  });

  it('does not touch running members under an OPPORTUNISTIC policy until they are replaced', async () => {
    await createMig(2, { type: 'OPPORTUNISTIC' });
    await clients.instanceGroupManagers.patch({ project, zone, instanceGroupManager: 'web', instanceGroupManagerResource: { instanceTemplate: `global/instanceTemplates/web-v2` } });
    await emulator.settle();
    assert.deepEqual((await managed()).map((m) => m.template), ['web-v1', 'web-v1']);
    assert.equal((await mig()).status?.versionTarget?.isReached, false);
    await clients.instanceGroupManagers.resize({ project, zone, instanceGroupManager: 'web', size: 3 });
    await emulator.settle();
    assert.deepEqual((await managed()).map((m) => m.template).sort(), ['web-v1', 'web-v1', 'web-v2'], 'a new member gets the new template');
  });

  it('resizes up and down, replaces a member deleted behind its back, and pages PAGINATED results', async () => {
    await createMig(2);
    const resize = await clients.instanceGroupManagers.resize({ project, zone, instanceGroupManager: 'web', size: 5 });
    assert.equal(operationOf(resize).operationType, 'compute.instanceGroupManagers.resize');
    await emulator.settle();
    assert.equal((await managed()).length, 5);
    await clients.instanceGroupManagers.resize({ project, zone, instanceGroupManager: 'web', size: 1 });
    assert.equal((await managed()).filter((m) => m.action === 'DELETING').length, 4);
    await emulator.settle();
    const [survivor] = await managed();
    assert.equal((await managed()).length, 1);

    await clients.instances.delete({ project, zone, instance: survivor?.name ?? '' });
    await emulator.settle();
    const replaced = await managed();
    assert.equal(replaced.length, 1);
    assert.notEqual(replaced[0]?.name, survivor?.name);

    await clients.instanceGroupManagers.patch({ project, zone, instanceGroupManager: 'web', instanceGroupManagerResource: { targetSize: 5, listManagedInstancesResults: 'PAGINATED' } });
    await emulator.settle();
    const pages: number[] = [];
    let pageToken: string | undefined;
    do {
      const [items, , raw] = await clients.instanceGroupManagers.listManagedInstances({ project, zone, instanceGroupManager: 'web', maxResults: 2, ...(pageToken ? { pageToken } : {}) }, { autoPaginate: false });
      pages.push(items.length);
      pageToken = raw?.nextPageToken ?? undefined;
    } while (pageToken);
    assert.deepEqual(pages, [2, 2, 1]);
  });

  it('deletes the group and its members; the operation ends once they are gone', async () => {
    await createMig(2);
    const names = (await managed()).map((m) => m.name);
    const answer = await clients.instanceGroupManagers.delete({ project, zone, instanceGroupManager: 'web' });
    assert.equal((await rejection(clients.instanceGroupManagers.get({ project, zone, instanceGroupManager: 'web' }))).httpStatusCode, 404);
    await emulator.settle();
    const done = await waitDone(clients, project, answer);
    assert.equal(done.status, 'DONE');
    for (const name of names) assert.equal((await rejection(clients.instances.get({ project, zone, instance: name }))).httpStatusCode, 404);
    assert.equal((await clients.instanceGroupManagers.list({ project, zone }, { autoPaginate: false }))[0].length, 0);
  });

  it('spreads a regional group over its zones and uses region operations', async () => {
    const answer = await clients.regionInstanceGroupManagers.insert({
      project, region,
      instanceGroupManagerResource: {
        name: 'api', baseInstanceName: 'api', targetSize: 4, instanceTemplate: `global/instanceTemplates/web-v1`,
        distributionPolicy: { zones: [{ zone: `zones/${region}-a` }, { zone: `zones/${region}-b` }] },
      },
    });
    assert.ok(operationOf(answer).region?.endsWith(`/regions/${region}`));
    await emulator.settle();
    assert.equal((await waitDone(clients, project, answer)).status, 'DONE');
    const [members] = await clients.regionInstanceGroupManagers.listManagedInstances({ project, region, instanceGroupManager: 'api' }, { autoPaginate: false });
    const zones = members.map((m) => (m.instance ?? '').split('/zones/')[1]?.split('/')[0]).sort();
    assert.deepEqual(zones, [`${region}-a`, `${region}-a`, `${region}-b`, `${region}-b`]);
    const [group] = await clients.regionInstanceGroupManagers.get({ project, region, instanceGroupManager: 'api' });
    assert.ok(group.region?.endsWith(`/regions/${region}`));
    assert.equal(group.distributionPolicy?.zones?.length, 2);

    const all: string[] = [];
    for await (const [scope, scoped] of clients.instanceGroupManagers.aggregatedListAsync({ project })) {
      for (const g of scoped.instanceGroupManagers ?? []) all.push(`${scope}/${g.name ?? ''}`);
    }
    assert.deepEqual(all, [`regions/${region}/api`]);
  });
});
