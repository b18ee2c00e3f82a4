/**
 * The real @google-cloud/compute 7.8.0 sub-clients pointed at an emulator, constructed lazily (each costs
 * 40–130 ms after the first, gce-api-notes §1.9), plus small helpers for operations and errors.
 */
import type { protos } from '@google-cloud/compute';
import { GlobalOperationsClient } from '@google-cloud/compute/build/src/v1/global_operations_client';
import { ImagesClient } from '@google-cloud/compute/build/src/v1/images_client';
import { InstanceGroupManagersClient } from '@google-cloud/compute/build/src/v1/instance_group_managers_client';
import { InstanceTemplatesClient } from '@google-cloud/compute/build/src/v1/instance_templates_client';
import { InstancesClient } from '@google-cloud/compute/build/src/v1/instances_client';
import { ProjectsClient } from '@google-cloud/compute/build/src/v1/projects_client';
import { RegionInstanceGroupManagersClient } from '@google-cloud/compute/build/src/v1/region_instance_group_managers_client';
import { RegionInstanceTemplatesClient } from '@google-cloud/compute/build/src/v1/region_instance_templates_client';
import { RegionOperationsClient } from '@google-cloud/compute/build/src/v1/region_operations_client';
import { ZoneOperationsClient } from '@google-cloud/compute/build/src/v1/zone_operations_client';
import { googleAuthLibrary } from 'google-gax';
import type { Emulator } from '../../emulator/server';

// google-auth-library must never probe the GCE metadata server from a test (gce-api-notes §7.6).
process.env['METADATA_SERVER_DETECTION'] = 'none';

export type Operation = protos.google.cloud.compute.v1.IOperation;

const constructors = {
  instances: InstancesClient,
  zoneOperations: ZoneOperationsClient,
  regionOperations: RegionOperationsClient,
  globalOperations: GlobalOperationsClient,
  instanceTemplates: InstanceTemplatesClient,
  regionInstanceTemplates: RegionInstanceTemplatesClient,
  instanceGroupManagers: InstanceGroupManagersClient,
  regionInstanceGroupManagers: RegionInstanceGroupManagersClient,
  images: ImagesClient,
  projects: ProjectsClient,
};

export type Clients = { [K in keyof typeof constructors]: InstanceType<(typeof constructors)[K]> };

/** The construction TESTING.md gives: host, separate port, protocol 'http', no credentials. */
export function clientOptions(emulator: Pick<Emulator, 'port'>) {
  return { apiEndpoint: '127.0.0.1', port: emulator.port, protocol: 'http', authClient: new googleAuthLibrary.PassThroughClient() };
}

export function computeClients(emulator: Pick<Emulator, 'port'>): Clients {
  const made = new Map<string, unknown>();
  const clients = {} as Clients;
  for (const [name, Client] of Object.entries(constructors)) {
    Object.defineProperty(clients, name, {
      get: () => {
        if (!made.has(name)) made.set(name, new Client(clientOptions(emulator)));
        return made.get(name);
      },
    });
  }
  return clients;
}

/**
 * The Operation inside a mutating call's answer. The client's TypeScript type says LROperation, but at
 * run time it is `{latestResponse, done, name: <numeric id>, metadata, result}` (gce-api-notes §1.7).
 */
export function operationOf(answer: unknown): Operation {
  const lro: unknown = Array.isArray(answer) ? (answer as unknown[])[0] : answer;
  if (typeof lro !== 'object' || lro === null || !('latestResponse' in lro)) throw new Error('not an LRO answer');
  const operation = lro.latestResponse;
  if (typeof operation !== 'object' || operation === null) throw new Error('LRO without latestResponse');
  return operation;
}

/** The documented wait loop (nodejs-docs-samples createInstance.js), by scope. Does not throw on op errors. */
export async function waitDone(clients: Clients, project: string, answer: unknown): Promise<Operation> {
  let operation = operationOf(answer);
  while (operation.status !== 'DONE') {
    const name = operation.name ?? '';
    const last = (link: string) => link.slice(link.lastIndexOf('/') + 1);
    if (operation.zone) [operation] = await clients.zoneOperations.wait({ project, zone: last(operation.zone), operation: name });
    else if (operation.region) [operation] = await clients.regionOperations.wait({ project, region: last(operation.region), operation: name });
    else [operation] = await clients.globalOperations.wait({ project, operation: name });
  }
  return operation;
}

/** What a rejected client call carries (gax 6: GoogleError with a gRPC `code` and the HTTP status). */
export interface CallError {
  code: number | undefined;
  httpStatusCode: number | undefined;
  message: string;
}

export function callError(error: unknown): CallError {
  if (!(error instanceof Error)) throw new Error(`not an Error: ${String(error)}`);
  const fields = error as Error & { code?: unknown; httpStatusCode?: unknown };
  return {
    code: typeof fields.code === 'number' ? fields.code : undefined,
    httpStatusCode: typeof fields.httpStatusCode === 'number' ? fields.httpStatusCode : undefined,
    message: error.message,
  };
}

/** Runs `call`, expecting a rejection, and returns what it carried. */
export async function rejection(call: Promise<unknown>): Promise<CallError> {
  try {
    await call;
  } catch (error) {
    return callError(error);
  }
  throw new Error('expected the call to fail');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
