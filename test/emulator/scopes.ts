import { invalidField, notFound } from './apiError';
import type { ProjectState } from './state';
import { zonePath } from './urls';
import type { VmRecord } from './vm';
import type { World } from './world';

/** The project (404 when unknown) and a zone it can use (400 "Unknown zone", as Compute answers). */
export function zoneScope(world: World, project: string, zone: string): ProjectState {
  const state = world.projects.get(project);
  if (!world.zones.has(zone)) throw invalidField('zone', zone, 'Unknown zone.');
  return state;
}

export function regionScope(world: World, project: string, region: string): ProjectState {
  const state = world.projects.get(project);
  if (!world.zones.hasRegion(region)) throw invalidField('region', region, 'Unknown region.');
  return state;
}

export function findVm(world: World, project: string, zone: string, name: string): VmRecord {
  const vm = zoneScope(world, project, zone).instances.get(zone)?.get(name);
  if (!vm || vm.deleted) throw notFound(`${zonePath(project, zone)}/instances/${name}`);
  return vm;
}
