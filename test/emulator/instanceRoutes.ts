import { alreadyExists, invalidField } from './apiError';
import { createVm } from './instanceFactory';
import { checkResourceName, mergeSpecs, parseInstanceSpec } from './instanceSpec';
import { aggregatedResponse, listResponse } from './listResponses';
import { pageOf, parseListQuery } from './paging';
import type { Router } from './router';
import { findVm, zoneScope } from './scopes';
import { findTemplate } from './templateStore';
import { link, zonePath } from './urls';
import type { VmRecord } from './vm';
import type { World } from './world';

const view = (vm: VmRecord) => vm.resource;

/** instances.list / aggregatedList / get / insert (gce-api-notes §2, §2.1). */
export function registerInstanceRoutes(router: Router, world: World): void {
  router.add('GET', 'projects/{project}/zones/{zone}/instances', (request) => {
    const project = request.param('project');
    const zone = request.param('zone');
    const state = zoneScope(world, project, zone);
    const query = parseListQuery(request.query);
    const store = state.instances.get(zone);
    const page = store ? pageOf(store, query, view) : { items: [] };
    return listResponse('compute#instanceList', `${zonePath(project, zone)}/instances`, page);
  });

  router.add('GET', 'projects/{project}/aggregated/instances', (request) => {
    const project = request.param('project');
    const state = world.projects.get(project);
    // Zones are already sorted, so the scope order (and with it paging) is stable without sorting items.
    const scopes = world.zones.list().map((zone) => ({ scope: `zones/${zone}`, store: state.instances.get(zone) }));
    return aggregatedResponse('compute#instanceAggregatedList', project, 'instances', 'instances', scopes, parseListQuery(request.query), view, world.zones.allScopes());
  });

  router.add('GET', 'projects/{project}/zones/{zone}/instances/{instance}', (request) =>
    findVm(world, request.param('project'), request.param('zone'), request.param('instance')).resource);

  router.add('POST', 'projects/{project}/zones/{zone}/instances', (request) => {
    const project = request.param('project');
    const zone = request.param('zone');
    const state = zoneScope(world, project, zone);
    let spec = parseInstanceSpec(request.body, 'resource');
    const templateRef = request.query.get('sourceInstanceTemplate');
    if (templateRef) {
      const template = findTemplate(world, project, templateRef);
      spec = mergeSpecs(parseInstanceSpec(template.resource.properties, 'resource.properties'), spec);
    }
    const name = checkResourceName(spec.name, 'resource.name');
    if (!spec.machineType) throw invalidField('resource.machineType', '', 'Machine type is required.');
    const store = state.zoneInstances(zone);
    const path = `${zonePath(project, zone)}/instances/${name}`;
    if (store.has(name)) throw alreadyExists(path);
    const vm = createVm(world, project, zone, name, spec);
    return world.operations.begin({
      project, scope: { kind: 'zone', zone }, operationType: 'insert', targetLink: link(path), targetId: vm.resource.id,
      prepare: () => {
        vm.busy = 'insert';
        store.set(name, vm);
      },
      work: async () => {
        try {
          await world.lifecycle.provision(vm);
        } finally {
          vm.busy = undefined;
        }
      },
    });
  });
}
