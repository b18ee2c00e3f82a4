import { aggregatedResponse, listResponse } from './listResponses';
import { alreadyExists, invalidField, notFound, staleFingerprint } from './apiError';
import { checkResourceName } from './instanceSpec';
import { asRecord, optionalString } from './json';
import { MigRecord, type MigSpec } from './migModel';
import { defaultUpdatePolicy, mergeMigSpec } from './migSpec';
import type { OperationScope } from './operations';
import { pageOf, parseListQuery } from './paging';
import type { RequestContext, Router } from './router';
import { regionScope, zoneScope } from './scopes';
import { link, relativePath } from './urls';
import type { World } from './world';

interface MigScope {
  project: string;
  /** `zones/<z>` or `regions/<r>` */
  scope: string;
  operationScope: OperationScope;
  /** Zones members may use before a distribution policy narrows them. */
  zones: string[];
}

/** instanceGroupManagers and regionInstanceGroupManagers (gce-api-notes §2.8). */
export function registerMigRoutes(router: Router, world: World): void {
  const kinds = [
    {
      base: 'projects/{project}/zones/{zone}/instanceGroupManagers',
      scopeOf: (request: RequestContext): MigScope => {
        const project = request.param('project');
        const zone = request.param('zone');
        zoneScope(world, project, zone);
        return { project, scope: `zones/${zone}`, operationScope: { kind: 'zone', zone }, zones: [zone] };
      },
    },
    {
      base: 'projects/{project}/regions/{region}/instanceGroupManagers',
      scopeOf: (request: RequestContext): MigScope => {
        const project = request.param('project');
        const region = request.param('region');
        regionScope(world, project, region);
        return { project, scope: `regions/${region}`, operationScope: { kind: 'region', region }, zones: world.zones.inRegion(region).slice(0, 3) };
      },
    },
  ];
  router.add('GET', 'projects/{project}/aggregated/instanceGroupManagers', (request) => {
    const project = request.param('project');
    const state = world.projects.get(project);
    const scopes = [...world.zones.list().map((zone) => `zones/${zone}`), ...world.zones.regions().map((region) => `regions/${region}`)]
      .map((scope) => ({ scope, store: state.migs.get(scope) }));
    return aggregatedResponse('compute#instanceGroupManagerAggregatedList', project, 'instanceGroupManagers', 'instanceGroupManagers', scopes, parseListQuery(request.query), (mig) => mig.resource(), world.zones.allScopes());
  });
  for (const { base, scopeOf } of kinds) {
    const storeOf = (where: MigScope) => world.projects.get(where.project).migStore(where.scope);
    const find = (request: RequestContext) => {
      const where = scopeOf(request);
      const name = request.param('igm');
      const mig = storeOf(where).get(name);
      if (!mig || mig.deleting) throw notFound(`projects/${where.project}/${where.scope}/instanceGroupManagers/${name}`);
      return { where, mig };
    };
    const begin = (where: MigScope, mig: MigRecord, verb: string, prepare: () => void, work?: () => Promise<void>) =>
      world.operations.begin({
        project: where.project, scope: where.operationScope, operationType: `compute.instanceGroupManagers.${verb}`,
        targetLink: link(mig.path), targetId: mig.place.id, prepare, ...(work ? { work } : {}),
      });

    router.add('GET', base, (request) => {
      const where = scopeOf(request);
      const path = `projects/${where.project}/${where.scope}/instanceGroupManagers`;
      return listResponse('compute#instanceGroupManagerList', path, pageOf(storeOf(where), parseListQuery(request.query), (mig) => mig.resource()));
    });

    router.add('GET', `${base}/{igm}`, (request) => find(request).mig.resource());

    router.add('POST', base, (request) => {
      const where = scopeOf(request);
      const body = asRecord(request.body, 'resource');
      const name = checkResourceName(optionalString(body, 'name', 'resource.name'), 'resource.name');
      const store = storeOf(where);
      if (store.has(name)) throw alreadyExists(`projects/${where.project}/${where.scope}/instanceGroupManagers/${name}`);
      const zones = distributionZones(world, where, body);
      const initial: MigSpec = {
        baseInstanceName: name, targetSize: 0, versions: [], updatePolicy: defaultUpdatePolicy(zones.length),
        fingerprint: world.ids.fingerprint(), namedPorts: [], autoHealingPolicies: [], listManagedInstancesResults: 'PAGELESS',
      };
      const spec = mergeMigSpec(world, where.project, initial, body);
      if (spec.versions.length === 0) throw invalidField('resource.instanceTemplate', '', 'An instance template or versions must be specified.');
      const mig = new MigRecord({ project: where.project, scope: where.scope, zones, name, id: world.ids.resourceId(), createdMs: world.now() }, spec);
      return begin(where, mig, 'insert', () => {
        store.set(name, mig);
        world.rollout.kick(mig);
      });
    });

    router.add('PATCH', `${base}/{igm}`, (request) => {
      const { where, mig } = find(request);
      const body = asRecord(request.body, 'resource');
      const fingerprint = optionalString(body, 'fingerprint', 'resource.fingerprint');
      if (fingerprint !== undefined && fingerprint !== mig.spec.fingerprint) throw staleFingerprint();
      const spec = mergeMigSpec(world, where.project, mig.spec, body);
      return begin(where, mig, 'patch', () => {
        mig.spec = { ...spec, fingerprint: world.ids.fingerprint() };
        world.rollout.kick(mig);
      });
    });

    router.add('POST', `${base}/{igm}/resize`, (request) => {
      const { where, mig } = find(request);
      const raw = request.query.get('size') ?? '';
      const size = Number(raw);
      if (raw === '' || !Number.isInteger(size) || size < 0) throw invalidField('size', raw, 'Must be greater than or equal to 0.');
      return begin(where, mig, 'resize', () => {
        mig.spec = { ...mig.spec, targetSize: size, fingerprint: world.ids.fingerprint() };
        world.rollout.kick(mig);
      });
    });

    router.add('DELETE', `${base}/{igm}`, (request) => {
      const { where, mig } = find(request);
      // The operation ends once every member is gone, as Compute's does.
      return begin(where, mig, 'delete', () => {
        mig.deleting = true;
      }, async () => {
        await world.rollout.deleteAll(mig);
        storeOf(where).delete(mig.name);
      });
    });

    router.add('POST', `${base}/{igm}/listManagedInstances`, (request) => {
      const { mig } = find(request);
      const view = (member: Parameters<MigRecord['managedInstance']>[0]) => mig.managedInstance(member);
      if (mig.spec.listManagedInstancesResults !== 'PAGINATED') {
        // PAGELESS (the default) ignores maxResults and pageToken and returns everything.
        return { managedInstances: mig.members.values().map(view) };
      }
      const page = pageOf(mig.members, parseListQuery(request.query), view);
      return { managedInstances: page.items, ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    });
  }
}

/** A regional group's zones: its distribution policy, else the region's first three known zones. */
function distributionZones(world: World, where: MigScope, body: Record<string, unknown>): string[] {
  if (where.scope.startsWith('zones/')) return where.zones;
  const policy = asRecord(body['distributionPolicy'], 'resource.distributionPolicy');
  const listed = Array.isArray(policy['zones']) ? (policy['zones'] as unknown[]) : [];
  const zones = listed.map((entry, index) => {
    const zone = optionalString(asRecord(entry, `resource.distributionPolicy.zones[${index}]`), 'zone', `resource.distributionPolicy.zones[${index}].zone`) ?? '';
    const name = relativePath(zone).replace(/^(projects\/[^/]+\/)?zones\//, '');
    if (!where.zones.includes(name) && !world.zones.inRegion(where.scope.slice('regions/'.length)).includes(name)) {
      throw invalidField(`resource.distributionPolicy.zones[${index}].zone`, zone, 'Zone is not in the region.');
    }
    return name;
  });
  return zones.length > 0 ? zones : where.zones;
}
