/**
 * One Compute emulator whose instances are small COS hosts (real sshd per instance), driven through cosvm's
 * own core: the Compute clients, getHostKeys, connectSsh. Shared by the host-key and OS Login tests.
 */
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { createComputeClients, type ComputeClients } from '../../../src/core/gce/computeClients';
import { operationOf, waitForOperation } from '../../../src/core/gce/operations';
import { createCosHost } from '../../emulator/cosHost';
import { startEmulator, type Emulator } from '../../emulator/server';
import { services } from '../hooks';
import { sshPortFor } from '../cosHost/fixtures';

// google-auth-library must never probe the GCE metadata server from a test (gce-api-notes §7.6).
process.env['METADATA_SERVER_DETECTION'] = 'none';

export interface EmulatedCloud {
  emulator: Emulator;
  clients: ComputeClients;
  host: ReturnType<typeof createCosHost>;
  port: number;
  project: string;
  zone: string;
}

export interface RunningVm {
  ref: { project: string; zone: string; name: string };
  id: string;
  natIP: string;
}

/** `natIpBase` keeps each test file's VMs on their own loopback addresses. */
export async function startCloud(natIpBase: string, project: string): Promise<EmulatedCloud> {
  const port = await sshPortFor(natIpBase);
  const host = createCosHost({ group: services().group, dockerHost: services().docker.host, sshPort: port, stopTimeoutSeconds: 1 });
  const emulator = await startEmulator({ host, natIpBase, stepMs: 5 });
  return { emulator, clients: createComputeClients({ endpoint: new URL(emulator.url) }), host, port, project, zone: 'europe-west1-b' };
}

export async function createVm(cloud: EmulatedCloud, name: string, metadata: Record<string, string>): Promise<RunningVm> {
  const { clients, project, zone } = cloud;
  const [answer] = await clients.instances.insert({
    project,
    zone,
    instanceResource: {
      name,
      machineType: `zones/${zone}/machineTypes/e2-small`,
      metadata: { items: Object.entries(metadata).map(([key, value]) => ({ key, value })) },
      disks: [{ boot: true, initializeParams: { sourceImage: 'projects/cos-cloud/global/images/family/cos-stable' } }],
      networkInterfaces: [{ accessConfigs: [{ type: 'ONE_TO_ONE_NAT' }] }],
    },
  });
  await waitForOperation(clients, project, operationOf([answer]), `insert ${name}`);
  const [instance] = await clients.instances.get({ project, zone, instance: name });
  const natIP = instance.networkInterfaces?.[0]?.accessConfigs?.[0]?.natIP;
  if (instance.status !== 'RUNNING' || !natIP) throw new Error(`${name} is ${String(instance.status)} without a natIP`);
  return { ref: { project, zone, name }, id: String(instance.id), natIP };
}

export async function setVmMetadata(cloud: EmulatedCloud, vm: RunningVm, change: (items: Map<string, string>) => void): Promise<void> {
  const request = { project: vm.ref.project, zone: vm.ref.zone, instance: vm.ref.name };
  const [instance] = await cloud.clients.instances.get(request);
  const items = new Map((instance.metadata?.items ?? []).map((item) => [item.key ?? '', item.value ?? '']));
  change(items);
  const [answer] = await cloud.clients.instances.setMetadata({ ...request, metadataResource: { fingerprint: instance.metadata?.fingerprint ?? null, items: [...items].map(([key, value]) => ({ key, value })) } });
  await waitForOperation(cloud.clients, vm.ref.project, operationOf([answer]), `setMetadata ${vm.ref.name}`);
}

/** What happens when a VM is recreated from a fresh disk: new host keys at the next boot (here: a reset). */
export async function regenerateHostKeys(cloud: EmulatedCloud, vm: RunningVm): Promise<void> {
  const sshDir = path.join(cloud.host.instanceDir({ project: vm.ref.project, zone: vm.ref.zone, name: vm.ref.name }), 'ssh');
  for (const type of ['ed25519', 'ecdsa']) for (const suffix of ['', '.pub']) rmSync(path.join(sshDir, `ssh_host_${type}_key${suffix}`), { force: true });
  const [answer] = await cloud.clients.instances.reset({ project: vm.ref.project, zone: vm.ref.zone, instance: vm.ref.name });
  await waitForOperation(cloud.clients, vm.ref.project, operationOf([answer]), `reset ${vm.ref.name}`);
}

export { userKey } from '../../support/userKey';
