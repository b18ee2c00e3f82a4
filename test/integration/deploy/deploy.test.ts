import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { deployDeclaration, pinImage } from '../../../src/core/deploy/deploy';
import { DeployHistory } from '../../../src/core/deploy/history';
import { migrateToCloudInit, planMigration } from '../../../src/core/deploy/migrate';
import type { InstanceTarget, MigTarget } from '../../../src/core/deploy/profile';
import type { DeployContext, RemoteResult } from '../../../src/core/deploy/targets';
import { dockerPsCommand, parseDockerPs, verifyImagesRunning } from '../../../src/core/deploy/verify';
import { buildImage, connectDocker, pushImage } from '../../../src/core/docker/engine';
import { isCosvmError } from '../../../src/core/errors';
import { konletKey } from '../../../src/core/gce/deployInfo';
import type { InstanceRef } from '../../../src/core/gce/model';
import { connectSsh, runCommand } from '../../../src/core/ssh/connection';
import { prepareInstanceAccess } from '../../../src/core/ssh/instanceAccess';
import { ensureKeyPair } from '../../../src/core/ssh/keys';
import { KnownHosts } from '../../../src/core/ssh/knownHosts';
import { SshSession } from '../../../src/core/ssh/session';
import { scratchContext } from '../../support/scratchContext';
import { tempDir } from '../../support/tempDir';
import { services } from '../hooks';
import { createVm, startCloud, type EmulatedCloud } from '../ssh-trust/emulatedVm';

/** A FROM scratch busybox httpd image whose page says `text`, pushed to the tier's registry: `repo@sha256:…`. */
async function pushedImage(repository: string, text: string): Promise<string> {
  const { docker: dockerService, registry } = services();
  const docker = await connectDocker({ host: dockerService.host });
  const dir = scratchContext({ page: `${text}\n` });
  const reference = `${registry.address}/${repository}:${text.replace(/[^a-z0-9]/gi, '')}`;
  await buildImage(docker, { contextDir: dir, tag: reference });
  const pushed = await pushImage(docker, { reference, auth: { username: registry.username, password: registry.password, serveraddress: registry.address } });
  return pushed.pinned;
}

/** A declaration running busybox httpd on `port` (host network, as on the VM). */
function declaration(image: string, port: number, comment = '# the web app'): string {
  return [comment, 'spec:', '  containers:', '    - name: web', `      image: ${image}`, `      args: ["httpd", "-f", "-p", "${port}", "-h", "/www"]`, '  restartPolicy: Always', ''].join('\n');
}

/** SSH to the emulated VMs as the extension does it (our key in ssh-keys, host key trusted on first use). */
async function sshRunner(cloud: EmulatedCloud): Promise<NonNullable<DeployContext['runOnInstance']>> {
  const dir = tempDir('cosvm-deploy-ssh-');
  const keyPair = await ensureKeyPair({ storageDir: dir });
  const knownHosts = new KnownHosts(path.join(dir, 'known_hosts'));
  const sessions = new Map<string, SshSession>();
  return async (ref: InstanceRef, command: string, signal?: AbortSignal): Promise<RemoteResult> => {
    const key = `${ref.zone}/${ref.name}`;
    let session = sessions.get(key);
    if (!session) {
      let keyAddedAt = 0;
      session = new SshSession({
        open: async (openSignal) => {
          const access = await prepareInstanceAccess({ clients: cloud.clients, keyPair, knownHosts, user: 'deployer', port: cloud.port, accountEmail: () => Promise.resolve(undefined), confirmHostKey: () => Promise.resolve(true) }, ref, openSignal);
          keyAddedAt = access.keyAddedAt ?? keyAddedAt;
          const client = await connectSsh({ ...access.target, readyTimeoutMs: 5_000 }, openSignal);
          await access.remember();
          return client;
        },
        keyPropagationUntil: () => keyAddedAt + 30_000,
        backoff: { initialMs: 200, maxMs: 1_000, giveUpMs: 20_000 },
      });
      sessions.set(key, session);
    }
    return runCommand(await session.client(signal), command, signal);
  };
}

async function metadataOf(cloud: EmulatedCloud, ref: InstanceRef): Promise<Map<string, string>> {
  const [instance] = await cloud.clients.instances.get({ project: ref.project, zone: ref.zone, instance: ref.name });
  return new Map((instance.metadata?.items ?? []).map((item) => [item.key ?? '', item.value ?? '']));
}

async function page(port: number, host: string): Promise<string> {
  const response = await fetch(`http://${host}:${port}/index.html`);
  return (await response.text()).trim();
}

describe('deploy by digest (emulator with COS hosts, real dockerd, registry and sshd)', function () {
  this.timeout(240_000);
  let cloud: EmulatedCloud;
  let run: DeployContext['runOnInstance'];
  let history: DeployHistory;
  let v1: string;
  let v2: string;

  before(async () => {
    cloud = await startCloud('127.0.87.1', 'deploy-project');
    run = await sshRunner(cloud);
    history = new DeployHistory(path.join(tempDir('cosvm-history-'), 'history.json'));
    [v1, v2] = [await pushedImage('cosvm/deploy-app', 'version-one'), await pushedImage('cosvm/deploy-app', 'version-two')];
  });

  after(async () => {
    await cloud?.emulator.close();
  });

  const instanceTarget = (name: string, mode: InstanceTarget['mode'] = 'cloud-init'): InstanceTarget => ({ kind: 'instance', label: name, project: cloud.project, zone: cloud.zone, name, machineType: 'e2-small', mode });
  const context = (extra: Partial<DeployContext> = {}) => ({ clients: cloud.clients, runOnInstance: run, history, verifyTimeoutMs: 60_000, ...extra });

  it('creates a cloud-init VM that runs the pushed digest, says so, and records it', async () => {
    const progress: string[] = [];
    const outcome = await deployDeclaration(context({ onProgress: (m) => progress.push(m) }), instanceTarget('deploy-new'), declaration(v1, 18091));
    assert.equal(outcome.applied, 'created');
    assert.ok(outcome.verification.ok, outcome.verification.detail);
    assert.ok(outcome.verification.running.some((c) => c.image === v1));
    const items = await metadataOf(cloud, { project: cloud.project, zone: cloud.zone, name: 'deploy-new' });
    assert.match(items.get('user-data') ?? '', /^#cloud-config\n/);
    assert.equal(items.get('cosvm-declaration'), declaration(v1, 18091));
    assert.equal(items.has(konletKey), false);
    const [entry] = await history.list('instance:deploy-project/europe-west1-b/deploy-new');
    assert.deepEqual(entry?.images, [v1]);
    assert.equal(entry?.verified, true);
    assert.ok(progress.some((m) => m.startsWith('Creating deploy-new')), progress.join('\n'));
  });

  it('updates an existing VM: startup-script, ssh-keys and a custom key stay byte-identical, a concurrent writer survives the 412, rollback brings the earlier digest back', async () => {
    const startup = '#!/bin/bash\necho  "spaces   kept"\n';
    const custom = 'a=1\n  b = "two"\n';
    const otherKeys = 'bob:ssh-rsa AAAAB3Nz bob@laptop';
    const vm = await createVm(cloud, 'deploy-existing', { 'startup-script': startup, custom, 'ssh-keys': otherKeys });
    const target = instanceTarget('deploy-existing');
    const first = await deployDeclaration(context(), target, declaration(v1, 18092));
    assert.ok(first.verification.ok, first.verification.detail);
    assert.equal(first.applied, 'reset', `the emulated host refuses sudo, so the VM is reset (${first.sshSkipped ?? ''})`);
    assert.match(first.sshSkipped ?? '', /may not use sudo on deploy-existing/);
    assert.equal(await page(18092, vm.natIP), 'version-one');

    // Another writer changes the metadata between our read and our write: our setMetadata meets a 412.
    let raced = false;
    const setMetadata = cloud.clients.instances.setMetadata.bind(cloud.clients.instances);
    const racing = Object.create(cloud.clients.instances) as typeof cloud.clients.instances;
    racing.setMetadata = (async (request: Parameters<typeof setMetadata>[0]) => {
      if (!raced && request.instance === 'deploy-existing') {
        raced = true;
        const [instance] = await cloud.clients.instances.get({ project: vm.ref.project, zone: vm.ref.zone, instance: vm.ref.name });
        const items = [...(instance.metadata?.items ?? []), { key: 'written-meanwhile', value: 'by someone else' }];
        const [op] = await setMetadata({ project: vm.ref.project, zone: vm.ref.zone, instance: vm.ref.name, metadataResource: { fingerprint: instance.metadata?.fingerprint ?? null, items } });
        const { waitForOperation, operationOf } = await import('../../../src/core/gce/operations');
        await waitForOperation(cloud.clients, vm.ref.project, operationOf([op]), 'concurrent write');
      }
      return setMetadata(request);
    });
    const second = await deployDeclaration(context({ clients: { ...cloud.clients, instances: racing } }), target, declaration(v2, 18092, '# version two'));
    assert.ok(raced);
    assert.ok(second.verification.ok, second.verification.detail);
    assert.ok(cloud.emulator.requests().some((r) => r.path.endsWith('deploy-existing/setMetadata') && r.status === 412), 'our write met the stale fingerprint');
    const items = await metadataOf(cloud, vm.ref);
    assert.equal(items.get('startup-script'), startup);
    assert.equal(items.get('custom'), custom);
    assert.ok(items.get('ssh-keys')?.startsWith(`${otherKeys}\n`), items.get('ssh-keys'));
    assert.equal(items.get('written-meanwhile'), 'by someone else');
    assert.equal(await page(18092, vm.natIP), 'version-two');

    const entries = await history.list('instance:deploy-project/europe-west1-b/deploy-existing');
    assert.deepEqual(entries.map((e) => e.images[0]), [v2, v1]);
    const earlier = entries[1];
    assert.ok(earlier);
    const rolledBack = await deployDeclaration(context(), target, earlier.declaration);
    assert.ok(rolledBack.verification.ok, rolledBack.verification.detail);
    assert.equal(await page(18092, vm.natIP), 'version-one');
    assert.equal((await metadataOf(cloud, vm.ref)).get('cosvm-declaration'), declaration(v1, 18092));
    assert.deepEqual((await history.list('instance:deploy-project/europe-west1-b/deploy-existing')).map((e) => e.images[0]), [v1, v2, v1]);
  });

  it("refuses to overwrite a VM's own user-data, and a konlet VM without migrating", async () => {
    await createVm(cloud, 'deploy-own-userdata', { 'user-data': '#cloud-config\nruncmd: [echo mine]\n' });
    await assert.rejects(deployDeclaration(context(), instanceTarget('deploy-own-userdata'), declaration(v1, 18093)), (error: unknown) => isCosvmError(error) && error.code === 'deploy/conflict' && /own user-data/.test(error.userMessage));
    await createVm(cloud, 'deploy-konlet', { [konletKey]: declaration(v1, 18094).replace('# the web app\n', '') });
    await assert.rejects(deployDeclaration(context(), instanceTarget('deploy-konlet'), declaration(v2, 18094)), (error: unknown) => isCosvmError(error) && error.code === 'deploy/conflict' && /Migrate to cloud-init/.test(error.userMessage));
  });

  it('migrates a konlet VM to cloud-init: konlet keys go, the rest stays, the container runs under cloud-init after the reset', async () => {
    const vm = await createVm(cloud, 'deploy-migrate', { [konletKey]: `# DISCLAIMER:\n# old header\n\n${declaration(v1, 18095).replace('# the web app\n', '')}`, 'google-logging-enabled': 'true', custom: 'keep me' });
    const [instance] = await cloud.clients.instances.get({ project: vm.ref.project, zone: vm.ref.zone, instance: vm.ref.name });
    const plan = planMigration((instance.metadata?.items ?? []).map((i) => ({ key: i.key ?? '', value: i.value ?? '' })), 'deploy-migrate');
    assert.deepEqual(plan.after.map((i) => i.key), ['google-logging-enabled', 'custom', 'user-data', 'cosvm-declaration']);
    await migrateToCloudInit(cloud.clients, vm.ref);
    const items = await metadataOf(cloud, vm.ref);
    assert.equal(items.get('custom'), 'keep me');
    assert.equal(items.has(konletKey), false);
    assert.equal(items.get('google-logging-enabled'), 'true');
    assert.match(items.get('user-data') ?? '', /cosvm-web\.service/);
    const check = await verifyImagesRunning([v1], async () => parseDockerPs((await run!(vm.ref, dockerPsCommand)).stdout), { where: vm.ref.name, timeoutMs: 60_000, intervalMs: 500 });
    assert.ok(check.ok, check.detail);
    assert.ok(check.running.some((c) => c.name.includes('web')), JSON.stringify(check.running));
  });

  it('creates a template and a MIG, then rolls it to a new template; each member runs the digest', async () => {
    const target: MigTarget = { kind: 'mig', label: 'web-mig', project: cloud.project, location: `zones/${cloud.zone}`, name: 'deploy-mig', templatePrefix: 'deploy-mig', size: 1, machineType: 'e2-small', mode: 'cloud-init' };
    let clock = Date.UTC(2026, 10, 23, 8, 0, 0);
    const now = () => new Date((clock += 1_000));
    const created = await deployDeclaration(context({ now }), target, declaration(v1, 18096));
    assert.equal(created.applied, 'created');
    assert.equal(created.instances.length, 1);
    assert.ok(created.verification.ok, created.verification.detail);
    const rolled = await deployDeclaration(context({ now }), target, declaration(v2, 18096));
    assert.equal(rolled.applied, 'rolling-update');
    assert.notEqual(rolled.template, created.template);
    assert.ok(rolled.verification.ok, rolled.verification.detail);
    const [mig] = await cloud.clients.instanceGroupManagers.get({ project: cloud.project, zone: cloud.zone, instanceGroupManager: 'deploy-mig' });
    assert.ok(mig.instanceTemplate?.endsWith(`/instanceTemplates/${rolled.template ?? ''}`), mig.instanceTemplate ?? '');
  });

  it('writes the pushed digest into the declaration as a minimal edit that keeps comments', () => {
    const text = ['# keep me', 'spec:', '  containers:', '    - name: web  # the app', '      image: "127.0.0.1:5000/cosvm/deploy-app:dev"  # built here', '      args: [a]', ''].join('\n');
    const pinned = '127.0.0.1:5000/cosvm/deploy-app@sha256:' + 'a'.repeat(64);
    const out = pinImage(text, '127.0.0.1:5000/cosvm/deploy-app', pinned);
    assert.equal(out, text.replace('127.0.0.1:5000/cosvm/deploy-app:dev', pinned));
    assert.throws(() => pinImage(text, 'gcr.io/other/app', pinned), /No container of the declaration uses gcr.io\/other\/app/);
  });
});
