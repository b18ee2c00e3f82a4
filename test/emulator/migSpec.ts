import { invalid, invalidField } from './apiError';
import { asRecord, isRecord, optionalArray, optionalInteger, optionalString } from './json';
import type { MigSpec } from './migModel';
import type { FixedOrPercent, IgmVersion, UpdatePolicy } from './resources';
import { findTemplate } from './templateStore';
import type { World } from './world';

/** Reading IGM insert and patch bodies (gce-api-notes §2.8). Patch merges; unknown fields are ignored. */
function fixedOrPercent(value: unknown, field: string): FixedOrPercent | undefined {
  if (value === undefined || value === null) return undefined;
  const record = asRecord(value, field);
  const fixed = optionalInteger(record, 'fixed', `${field}.fixed`);
  const percent = optionalInteger(record, 'percent', `${field}.percent`);
  if (fixed !== undefined) return { fixed };
  if (percent !== undefined) {
    if (percent < 0 || percent > 100) throw invalidField(`${field}.percent`, String(percent), 'Must be between 0 and 100.');
    return { percent };
  }
  return {};
}

/** Versions with their templates resolved to full links; exactly one may leave targetSize unset. */
export function parseVersions(world: World, project: string, value: unknown[], field: string): IgmVersion[] {
  const versions = value.map((entry, index) => {
    const record = asRecord(entry, `${field}[${index}]`);
    const template = optionalString(record, 'instanceTemplate', `${field}[${index}].instanceTemplate`);
    if (!template) throw invalidField(`${field}[${index}].instanceTemplate`, '', 'An instance template is required.');
    const version: IgmVersion = { instanceTemplate: findTemplate(world, project, template).resource.selfLink };
    const name = optionalString(record, 'name', `${field}[${index}].name`);
    if (name !== undefined) version.name = name;
    const targetSize = fixedOrPercent(record['targetSize'], `${field}[${index}].targetSize`);
    if (targetSize && (targetSize.fixed !== undefined || targetSize.percent !== undefined)) version.targetSize = targetSize;
    return version;
  });
  if (versions.length === 0) throw invalidField(field, '[]', 'At least one version is required.');
  if (versions.length > 1 && versions.filter((version) => !version.targetSize).length !== 1) {
    throw invalid(`Invalid value for field '${field}': exactly one version must not specify targetSize.`);
  }
  return versions;
}

export function defaultUpdatePolicy(zoneCount: number): UpdatePolicy {
  return {
    type: 'PROACTIVE', minimalAction: 'REPLACE', mostDisruptiveAllowedAction: 'REPLACE', replacementMethod: 'SUBSTITUTE',
    maxSurge: { fixed: zoneCount }, maxUnavailable: { fixed: zoneCount > 1 ? zoneCount : 0 }, instanceRedistributionType: zoneCount > 1 ? 'PROACTIVE' : 'NONE',
  };
}

function mergeUpdatePolicy(current: UpdatePolicy, value: unknown): UpdatePolicy {
  if (value === undefined || value === null) return current;
  const record = asRecord(value, 'resource.updatePolicy');
  const merged: UpdatePolicy = { ...current };
  for (const key of ['type', 'minimalAction', 'mostDisruptiveAllowedAction', 'replacementMethod', 'instanceRedistributionType'] as const) {
    const text = optionalString(record, key, `resource.updatePolicy.${key}`);
    if (text !== undefined) merged[key] = text;
  }
  if (!['PROACTIVE', 'OPPORTUNISTIC'].includes(merged.type)) throw invalidField('resource.updatePolicy.type', merged.type, 'Must be PROACTIVE or OPPORTUNISTIC.');
  merged.maxSurge = fixedOrPercent(record['maxSurge'], 'resource.updatePolicy.maxSurge') ?? current.maxSurge;
  merged.maxUnavailable = fixedOrPercent(record['maxUnavailable'], 'resource.updatePolicy.maxUnavailable') ?? current.maxUnavailable;
  return merged;
}

/** Applies the fields a body sets onto `current` and returns the result (insert starts from defaults). */
export function mergeMigSpec(world: World, project: string, current: MigSpec, body: Record<string, unknown>): MigSpec {
  const next: MigSpec = { ...current };
  const versions = optionalArray(body, 'versions', 'resource.versions');
  const template = optionalString(body, 'instanceTemplate', 'resource.instanceTemplate');
  if (versions && versions.length > 0) next.versions = parseVersions(world, project, versions, 'resource.versions');
  else if (template) next.versions = [{ instanceTemplate: findTemplate(world, project, template).resource.selfLink }];
  const targetSize = optionalInteger(body, 'targetSize', 'resource.targetSize');
  if (targetSize !== undefined) {
    if (targetSize < 0) throw invalidField('resource.targetSize', String(targetSize), 'Must be greater than or equal to 0.');
    next.targetSize = targetSize;
  }
  const baseInstanceName = optionalString(body, 'baseInstanceName', 'resource.baseInstanceName');
  if (baseInstanceName !== undefined) {
    if (!/^[a-z](?:[-a-z0-9]{0,57})$/.test(baseInstanceName)) throw invalidField('resource.baseInstanceName', baseInstanceName, "Must be a match of regex '[a-z](([-a-z0-9]{0,57})|([-a-z0-9]{0,51}-#{1,10}(\\[[0-9]{1,10}\\])?))'");
    next.baseInstanceName = baseInstanceName;
  }
  const description = optionalString(body, 'description', 'resource.description');
  if (description !== undefined) next.description = description;
  next.updatePolicy = mergeUpdatePolicy(current.updatePolicy, body['updatePolicy']);
  const namedPorts = optionalArray(body, 'namedPorts', 'resource.namedPorts');
  if (namedPorts) next.namedPorts = namedPorts.filter(isRecord);
  const healing = optionalArray(body, 'autoHealingPolicies', 'resource.autoHealingPolicies');
  if (healing) next.autoHealingPolicies = healing.filter(isRecord);
  const results = optionalString(body, 'listManagedInstancesResults', 'resource.listManagedInstancesResults');
  if (results !== undefined) {
    if (results !== 'PAGELESS' && results !== 'PAGINATED') throw invalidField('resource.listManagedInstancesResults', results, 'Must be PAGELESS or PAGINATED.');
    next.listManagedInstancesResults = results;
  }
  return next;
}
