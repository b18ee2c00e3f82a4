import { staleMetadataFingerprint } from './apiError';
import { defaultServiceAccount } from './instanceFactory';
import { asRecord, optionalString } from './json';
import { parseMetadataItems } from './metadata';
import type { Router } from './router';
import { link } from './urls';
import type { World } from './world';

/** projects.get and setCommonInstanceMetadata (project-wide metadata, e.g. project `ssh-keys`). */
export function registerProjectRoutes(router: Router, world: World): void {
  router.add('GET', 'projects/{project}', (request) => {
    const project = world.projects.get(request.param('project'));
    return {
      kind: 'compute#project', id: project.id, creationTimestamp: project.creationTimestamp, name: project.name,
      commonInstanceMetadata: project.commonMetadata,
      quotas: [
        { metric: 'INSTANCE_TEMPLATES', limit: 1000, usage: [...project.templates.values()].reduce((n, store) => n + store.size, 0) },
        { metric: 'CPUS_ALL_REGIONS', limit: 32, usage: 0 },
      ],
      selfLink: link(`projects/${project.name}`), defaultServiceAccount: defaultServiceAccount(project.id),
      xpnProjectStatus: 'UNSPECIFIED_XPN_PROJECT_STATUS', defaultNetworkTier: 'PREMIUM', vmDnsSetting: 'ZONAL_ONLY',
    };
  });

  router.add('POST', 'projects/{project}/setCommonInstanceMetadata', (request) => {
    const project = world.projects.get(request.param('project'));
    const body = asRecord(request.body, 'resource');
    const fingerprint = optionalString(body, 'fingerprint', 'resource.fingerprint');
    // The client leaves `items` out entirely when the list is empty.
    const items = parseMetadataItems(body['items'], 'resource.items');
    if (fingerprint !== project.commonMetadata.fingerprint) throw staleMetadataFingerprint();
    return world.operations.begin({
      project: project.name, scope: { kind: 'global' }, operationType: 'compute.projects.setCommonInstanceMetadata',
      targetLink: link(`projects/${project.name}`), targetId: project.id,
      prepare: () => {
        project.commonMetadata = { kind: 'compute#metadata', fingerprint: world.ids.fingerprint(), items };
      },
      // Every running VM reads project metadata too (project ssh-keys).
      work: async () => {
        await Promise.all([...project.allInstances()].filter((vm) => vm.resource.status === 'RUNNING').map((vm) => world.lifecycle.metadataChanged(vm)));
      },
    });
  });
}
