import { aggregatedResponse, listResponse } from './listResponses';
import { alreadyExists, ApiError, invalidField, notFound } from './apiError';
import { EMPTY_FINGERPRINT } from './ids';
import { checkResourceName, parseInstanceSpec } from './instanceSpec';
import { asRecord, cloneJson, isRecord, optionalString } from './json';
import { pageOf, parseListQuery } from './paging';
import type { OperationScope } from './operations';
import type { InstanceTemplateResource } from './resources';
import type { RequestContext, Router } from './router';
import { regionScope } from './scopes';
import type { TemplateRecord } from './state';
import { computeTimestamp } from './time';
import { link, regionPath } from './urls';
import type { World } from './world';

/** Instance templates, global and regional (gce-api-notes §2.7): insert, get, list, delete. Immutable. */
export function registerTemplateRoutes(router: Router, world: World): void {
  const bases = [
    { base: 'projects/{project}/global/instanceTemplates', scopeOf: () => 'global' },
    { base: 'projects/{project}/regions/{region}/instanceTemplates', scopeOf: (request: RequestContext) => `regions/${request.param('region')}` },
  ];
  router.add('GET', 'projects/{project}/aggregated/instanceTemplates', (request) => {
    const project = request.param('project');
    const state = world.projects.get(project);
    const scopes = ['global', ...world.zones.regions().map((region) => `regions/${region}`)].map((scope) => ({ scope, store: state.templates.get(scope) }));
    return aggregatedResponse('compute#instanceTemplateAggregatedList', project, 'instanceTemplates', 'instanceTemplates', scopes, parseListQuery(request.query), (record) => record.resource, world.zones.allScopes());
  });
  for (const { base, scopeOf } of bases) {
    const resolve = (request: RequestContext) => {
      const project = request.param('project');
      const scope = scopeOf(request);
      const state = scope === 'global' ? world.projects.get(project) : regionScope(world, project, request.param('region'));
      return { project, scope, store: state.templateStore(scope), path: `projects/${project}/${scope}/instanceTemplates` };
    };
    router.add('GET', base, (request) => {
      const { store, path } = resolve(request);
      return listResponse('compute#instanceTemplateList', path, pageOf(store, parseListQuery(request.query), (record) => record.resource));
    });
    router.add('GET', `${base}/{template}`, (request) => {
      const { store, path } = resolve(request);
      const record = store.get(request.param('template'));
      if (!record) throw notFound(`${path}/${request.param('template')}`);
      return record.resource;
    });
    router.add('POST', base, (request) => {
      const { project, scope, store, path } = resolve(request);
      const body = asRecord(request.body, 'resource');
      const name = checkResourceName(optionalString(body, 'name', 'resource.name'), 'resource.name');
      if (store.has(name)) throw alreadyExists(`${path}/${name}`);
      const properties = normaliseProperties(world, body['properties']);
      const resource: InstanceTemplateResource = {
        kind: 'compute#instanceTemplate', id: world.ids.resourceId(), creationTimestamp: computeTimestamp(world.now()), name,
        properties, selfLink: link(`${path}/${name}`),
      };
      const description = optionalString(body, 'description', 'resource.description');
      if (description !== undefined) resource.description = description;
      if (scope !== 'global') resource.region = link(regionPath(project, scope.slice('regions/'.length)));
      return world.operations.begin({
        project, scope: operationScope(scope), operationType: 'insert', targetLink: resource.selfLink, targetId: resource.id,
        prepare: () => store.set(name, { resource, scope }),
      });
    });
    router.add('DELETE', `${base}/{template}`, (request) => {
      const { project, scope, store, path } = resolve(request);
      const name = request.param('template');
      const record = store.get(name);
      if (!record) throw notFound(`${path}/${name}`);
      const user = templateUser(world, project, record);
      if (user) {
        throw new ApiError(400, 'resourceInUseByAnotherResource', `The instance_template resource '${path}/${name}' is already being used by '${user}'`);
      }
      return world.operations.begin({
        project, scope: operationScope(scope), operationType: 'delete', targetLink: record.resource.selfLink, targetId: record.resource.id,
        prepare: () => store.delete(name),
      });
    });
  }
}

function operationScope(scope: string): OperationScope {
  return scope === 'global' ? { kind: 'global' } : { kind: 'region', region: scope.slice('regions/'.length) };
}

/** Validates the instance part now (so a bad template fails at insert, not at first use) and stores it as sent. */
function normaliseProperties(world: World, value: unknown): Record<string, unknown> {
  const properties = cloneJson(asRecord(value, 'resource.properties'));
  const spec = parseInstanceSpec(properties, 'resource.properties');
  if (!spec.machineType) throw invalidField('resource.properties.machineType', '', 'Machine type is required.');
  const metadata = isRecord(properties['metadata']) ? properties['metadata'] : {};
  properties['metadata'] = {
    ...metadata,
    kind: 'compute#metadata',
    fingerprint: (spec.metadataItems ?? []).length > 0 ? world.ids.fingerprint() : EMPTY_FINGERPRINT,
    items: spec.metadataItems ?? [],
  };
  return properties;
}

/** A MIG version that still points at the template blocks its deletion, as in Compute. */
function templateUser(world: World, project: string, record: TemplateRecord): string | undefined {
  for (const [scope, store] of world.projects.get(project).migs) {
    for (const mig of store.values()) {
      if (mig.usesTemplate(record.resource.selfLink)) return `projects/${project}/${scope}/instanceGroupManagers/${mig.name}`;
    }
  }
  return undefined;
}
