import type { OperationScope } from './operations';
import type { RequestContext, Router } from './router';
import type { World } from './world';

/** zone/region/global operations: get and wait (gce-api-notes §1.7, §2.2). */
export function registerOperationRoutes(router: Router, world: World): void {
  const kinds: { base: string; scopeOf: (request: RequestContext) => OperationScope }[] = [
    { base: 'projects/{project}/zones/{zone}/operations/{operation}', scopeOf: (request) => ({ kind: 'zone', zone: request.param('zone') }) },
    { base: 'projects/{project}/regions/{region}/operations/{operation}', scopeOf: (request) => ({ kind: 'region', region: request.param('region') }) },
    { base: 'projects/{project}/global/operations/{operation}', scopeOf: () => ({ kind: 'global' }) },
  ];
  for (const { base, scopeOf } of kinds) {
    router.add('GET', base, (request) => world.operations.get(request.param('project'), scopeOf(request), request.param('operation')));
    router.add('POST', `${base}/wait`, (request) =>
      world.operations.wait(request.param('project'), scopeOf(request), request.param('operation'), world.waitTimeoutMs));
  }
}
