/**
 * The emulated project the playground and the e2e tier open on: three running COS instances (two
 * cloud-init, one konlet), one instance template and a MIG of three, all created through the real
 * Compute client, the way a user's gcloud or Terraform would have.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDeclaration } from '../../src/core/declaration/parse';
import { renderDeclaration } from '../../src/core/declaration/render';
import { createComputeClients, type ComputeClients } from '../../src/core/gce/computeClients';
import { cosvmDeclarationKey } from '../../src/core/gce/deployInfo';
import { operationOf, waitForOperation } from '../../src/core/gce/operations';
import { repoRoot } from './paths';

export const playgroundProject = 'cosvm-playground';
export const playgroundZones = ['us-central1-a', 'europe-west1-b'];

function declarationFor(name: string, port: number, image: string): string {
  const text = readFileSync(path.join(repoRoot, 'examples/hello.cosvm.yaml'), 'utf8');
  return text.replace('name: hello', `name: ${name}`).replace(/- "\d+"/, `- "${port}"`).replace(/image: .*/, `image: ${image}`);
}

/** The MIG runs a worker, not a server: its three members share one host network here, so no ports. */
function workerDeclaration(image: string): string {
  return `spec:\n  containers:\n  - name: worker\n    image: ${image}\n    command:\n    - /bin/busybox\n    args:\n    - sh\n    - -c\n    - while true; do date; sleep 10; done\n  restartPolicy: Always\n`;
}

function instanceBody(name: string, zone: string, metadata: Record<string, string>, labels: Record<string, string> = {}) {
  return {
    name,
    machineType: `zones/${zone}/machineTypes/e2-small`,
    labels,
    metadata: { items: Object.entries(metadata).map(([key, value]) => ({ key, value })) },
    disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/cos-cloud/global/images/family/cos-stable', diskSizeGb: '10' } }],
    networkInterfaces: [{ network: 'global/networks/default', accessConfigs: [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT' }] }],
  };
}

async function wait(clients: ComputeClients, answer: unknown, what: string): Promise<void> {
  await waitForOperation(clients, playgroundProject, operationOf(answer), what);
}

export const sampleImage = 'localhost:5000/cosvm/hello:1';

export async function seedPlaygroundProject(endpoint: URL, image = sampleImage): Promise<void> {
  const clients = createComputeClients({ endpoint });
  const cloudInit = (name: string, port: number) => {
    const declaration = declarationFor(name, port, image);
    return { 'user-data': renderDeclaration(parseDeclaration(declaration).declaration, 'cloud-init'), [cosvmDeclarationKey]: declaration };
  };
  const konlet = renderDeclaration(parseDeclaration(declarationFor('legacy', 8082, image)).declaration, 'konlet');
  const [zoneA, zoneB] = playgroundZones as [string, string];
  const inserts: [string, string, Record<string, string>, Record<string, string>][] = [
    ['web-1', zoneA, cloudInit('web', 8080), { app: 'web' }],
    ['web-2', zoneB, cloudInit('web', 8081), { app: 'web' }],
    ['legacy-1', zoneA, { 'gce-container-declaration': konlet, 'google-logging-enabled': 'true' }, { 'container-vm': 'cos-stable-117-18613-0-79' }],
  ];
  for (const [name, zone, metadata, labels] of inserts) {
    await wait(clients, await clients.instances.insert({ project: playgroundProject, zone, instanceResource: instanceBody(name, zone, metadata, labels) }), `insert ${name}`);
  }
  const template = 'web-template-v1';
  await wait(
    clients,
    await clients.instanceTemplates.insert({
      project: playgroundProject,
      instanceTemplateResource: {
        name: template,
        properties: {
          ...instanceBody(template, zoneA, {
            'user-data': renderDeclaration(parseDeclaration(workerDeclaration(image)).declaration, 'cloud-init'),
            [cosvmDeclarationKey]: workerDeclaration(image),
          }),
          machineType: 'e2-small',
        },
      },
    }),
    'insert template',
  );
  await wait(
    clients,
    await clients.instanceGroupManagers.insert({
      project: playgroundProject,
      zone: zoneB,
      instanceGroupManagerResource: { name: 'web-mig', baseInstanceName: 'web-mig', targetSize: 3, instanceTemplate: `projects/${playgroundProject}/global/instanceTemplates/${template}` },
    }),
    'insert MIG',
  );
}
