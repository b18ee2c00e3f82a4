import { notFound } from './apiError';
import type { Router } from './router';
import { link } from './urls';
import type { World } from './world';
import { regionOf } from './zones';

/** zones.list / get, so a client can enumerate where to look (every zone is UP). */
export function registerZoneRoutes(router: Router, world: World): void {
  const zoneJson = (project: string, zone: string, index: number) => ({
    kind: 'compute#zone', id: String(2000 + index), creationTimestamp: '1969-12-31T16:00:00.000-08:00', name: zone,
    description: zone, status: 'UP', region: link(`projects/${project}/regions/${regionOf(zone)}`),
    selfLink: link(`projects/${project}/zones/${zone}`), availableCpuPlatforms: ['Intel Broadwell', 'AMD Milan'], supportsPzs: false,
  });
  router.add('GET', 'projects/{project}/zones', (request) => {
    const project = world.projects.get(request.param('project')).name;
    return {
      kind: 'compute#zoneList', id: `projects/${project}/zones`,
      items: world.zones.list().map((zone, index) => zoneJson(project, zone, index)), selfLink: link(`projects/${project}/zones`),
    };
  });
  router.add('GET', 'projects/{project}/zones/{zone}', (request) => {
    const project = world.projects.get(request.param('project')).name;
    const zone = request.param('zone');
    const index = world.zones.list().indexOf(zone);
    if (index < 0) throw notFound(`projects/${project}/zones/${zone}`);
    return zoneJson(project, zone, index);
  });
}
