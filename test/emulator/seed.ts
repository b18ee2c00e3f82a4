import { createVm } from './instanceFactory';
import type { InstanceSpec } from './instanceSpec';
import type { MetadataItem } from './resources';
import type { World } from './world';
import { isZoneName } from './zones';

export interface SeedOptions {
  project: string;
  zones: string[];
  instancesPerZone: number;
  /** RUNNING (default) or TERMINATED. */
  running?: boolean;
}

const APPS = ['web', 'api', 'worker'] as const;

function declaration(app: string): string {
  return [
    'spec:',
    '  containers:',
    `  - name: ${app}`,
    `    image: us-docker.pkg.dev/cosvm-demo/apps/${app}@sha256:${'0123456789abcdef'.repeat(4)}`,
    '    stdin: false',
    '    tty: false',
    '  restartPolicy: Always',
    '',
  ].join('\n');
}

function cloudConfig(app: string): string {
  return ['#cloud-config', 'write_files:', `- path: /etc/systemd/system/cosvm-${app}.service`, '  content: |', '    [Service]', `    ExecStart=/usr/bin/docker run --rm --name ${app} --network host ${app}`, 'runcmd:', `- systemctl start cosvm-${app}.service`, ''].join('\n');
}

/** A mix a UI should handle: konlet, cloud-init and plain instances, labelled by app and env. */
function seededSpec(index: number): InstanceSpec {
  const app = APPS[index % APPS.length] ?? 'web';
  const items: MetadataItem[] = [{ key: 'google-logging-enabled', value: 'true' }];
  if (index % 3 === 0) items.push({ key: 'gce-container-declaration', value: declaration(app) });
  else if (index % 3 === 1) items.push({ key: 'user-data', value: cloudConfig(app) });
  return {
    machineType: index % 4 === 0 ? 'e2-medium' : 'e2-small',
    labels: { app, env: index % 5 === 0 ? 'prod' : 'dev', 'container-vm': 'cos-stable' },
    metadataItems: items,
    sourceImage: 'projects/cos-cloud/global/images/family/cos-stable',
  };
}

/**
 * Adds `count` instances to one zone directly in their final state: no operations, no host hooks (a host
 * would have to boot thousands of VMs). Names continue after what the zone already holds.
 */
export function seedZone(world: World, project: string, zone: string, count: number, running = true): void {
  if (!world.zones.has(zone)) {
    if (!isZoneName(zone)) throw new Error(`not a zone name: ${zone}`);
    world.zones.add(zone);
  }
  const store = world.projects.create(project).zoneInstances(zone);
  let index = store.size;
  for (let added = 0; added < count; index++) {
    const name = `vm-${zone}-${String(index + 1).padStart(4, '0')}`;
    if (store.has(name)) continue;
    const vm = createVm(world, project, zone, name, seededSpec(index), { status: running ? 'RUNNING' : 'TERMINATED' });
    vm.bootPending = running;
    store.set(name, vm);
    added++;
  }
}

export function seed(world: World, options: SeedOptions): void {
  for (const zone of options.zones) seedZone(world, options.project, zone, options.instancesPerZone, options.running ?? true);
}
