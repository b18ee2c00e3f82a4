/**
 * Builds the Compute sub-clients. This module is bundled on its own (dist/compute.js) and loaded on first
 * use: the client costs ~1 s and ~150 MB to load (gce-api-notes.md §1.9). Sub-client imports skip the
 * 30 MB protos.js of the package index.
 */
import { ImagesClient } from '@google-cloud/compute/build/src/v1/images_client';
import { InstanceGroupManagersClient } from '@google-cloud/compute/build/src/v1/instance_group_managers_client';
import { InstanceTemplatesClient } from '@google-cloud/compute/build/src/v1/instance_templates_client';
import { InstancesClient } from '@google-cloud/compute/build/src/v1/instances_client';
import { GlobalOperationsClient } from '@google-cloud/compute/build/src/v1/global_operations_client';
import { RegionInstanceGroupManagersClient } from '@google-cloud/compute/build/src/v1/region_instance_group_managers_client';
import { RegionInstanceTemplatesClient } from '@google-cloud/compute/build/src/v1/region_instance_templates_client';
import { RegionOperationsClient } from '@google-cloud/compute/build/src/v1/region_operations_client';
import { ZoneOperationsClient } from '@google-cloud/compute/build/src/v1/zone_operations_client';
import { googleAuthLibrary } from 'google-gax';

export interface ComputeClientOptions {
  /** A Compute endpoint other than Google's: the emulator (http) or a private endpoint. */
  endpoint?: URL;
}

export function createComputeClients(options: ComputeClientOptions = {}) {
  const endpoint = options.endpoint;
  const clientOptions = endpoint
    ? {
        apiEndpoint: endpoint.hostname,
        // The client defaults the port to 443 and needs protocol 'http' for a plain-HTTP endpoint (gce-api-notes.md §1.3).
        port: Number(endpoint.port || (endpoint.protocol === 'http:' ? 80 : 443)),
        protocol: endpoint.protocol.replace(':', ''),
        ...(endpoint.protocol === 'http:' ? { authClient: new googleAuthLibrary.PassThroughClient() } : {}),
      }
    : {};
  const instances = new InstancesClient(clientOptions);
  return {
    /** Base of the REST API, for the few hot paths read with plain fetch (rest.ts). */
    restBase: endpoint ? `${endpoint.origin}/compute/v1` : 'https://compute.googleapis.com/compute/v1',
    /** The bearer token the clients use (none for a plain-HTTP emulator). */
    accessToken: async (): Promise<string | undefined> => (endpoint?.protocol === 'http:' ? undefined : ((await instances.auth.getAccessToken()) ?? undefined)),
    instances,
    zoneOperations: new ZoneOperationsClient(clientOptions),
    regionOperations: new RegionOperationsClient(clientOptions),
    globalOperations: new GlobalOperationsClient(clientOptions),
    instanceTemplates: new InstanceTemplatesClient(clientOptions),
    regionInstanceTemplates: new RegionInstanceTemplatesClient(clientOptions),
    instanceGroupManagers: new InstanceGroupManagersClient(clientOptions),
    regionInstanceGroupManagers: new RegionInstanceGroupManagersClient(clientOptions),
    images: new ImagesClient(clientOptions),
    close: async () => {
      // Clients hold no sockets of their own in REST mode; close() releases their stubs.
    },
  };
}

export type ComputeClients = ReturnType<typeof createComputeClients>;
