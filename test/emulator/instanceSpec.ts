import { invalidField } from './apiError';
import { asRecord, isRecord, optionalArray, optionalBoolean, optionalString, optionalStringMap } from './json';
import { parseMetadataItems, validateLabels } from './metadata';
import type { MetadataItem, ServiceAccount } from './resources';
import { lastSegment } from './urls';

/**
 * What an instance is made from: an insert body, a template's `properties`, or both (the body overrides
 * the template field by field, as `?sourceInstanceTemplate=` does).
 */
export interface InstanceSpec {
  name?: string;
  description?: string;
  /** Short name (`e2-small`); URLs and partial paths are reduced to it. */
  machineType?: string;
  labels?: Record<string, string>;
  metadataItems?: MetadataItem[];
  sourceImage?: string;
  diskSizeGb?: string;
  serviceAccounts?: ServiceAccount[];
  tags?: string[];
  /** False when network interfaces were given without an access config (no external IP). */
  externalIp?: boolean;
  networkTier?: string;
  scheduling?: Record<string, unknown>;
  canIpForward?: boolean;
  deletionProtection?: boolean;
}

export const RESOURCE_NAME = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

export function checkResourceName(name: string | undefined, field: string): string {
  if (name === undefined || !RESOURCE_NAME.test(name)) {
    throw invalidField(field, name ?? '', "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?|[1-9][0-9]{0,19})'");
  }
  return name;
}

function parseDisks(record: Record<string, unknown>, prefix: string, spec: InstanceSpec): void {
  const disks = optionalArray(record, 'disks', `${prefix}.disks`);
  if (!disks || disks.length === 0) return;
  const boot = disks.find((disk) => isRecord(disk) && disk['boot'] === true) ?? disks[0];
  const disk = asRecord(boot, `${prefix}.disks[0]`);
  const params = asRecord(disk['initializeParams'], `${prefix}.disks[0].initializeParams`);
  const sourceImage = optionalString(params, 'sourceImage', `${prefix}.disks[0].initializeParams.sourceImage`);
  if (sourceImage !== undefined) spec.sourceImage = sourceImage;
  const size = params['diskSizeGb'];
  if (typeof size === 'string' || typeof size === 'number') spec.diskSizeGb = String(size);
}

function parseNetwork(record: Record<string, unknown>, prefix: string, spec: InstanceSpec): void {
  const interfaces = optionalArray(record, 'networkInterfaces', `${prefix}.networkInterfaces`);
  if (!interfaces || interfaces.length === 0) return;
  const nic = asRecord(interfaces[0], `${prefix}.networkInterfaces[0]`);
  const configs = optionalArray(nic, 'accessConfigs', `${prefix}.networkInterfaces[0].accessConfigs`) ?? [];
  spec.externalIp = configs.length > 0;
  const first = configs[0];
  if (isRecord(first) && typeof first['networkTier'] === 'string') spec.networkTier = first['networkTier'];
}

function parseServiceAccounts(record: Record<string, unknown>, prefix: string): ServiceAccount[] | undefined {
  const accounts = optionalArray(record, 'serviceAccounts', `${prefix}.serviceAccounts`);
  return accounts?.map((entry, index) => {
    const account = asRecord(entry, `${prefix}.serviceAccounts[${index}]`);
    const email = optionalString(account, 'email', `${prefix}.serviceAccounts[${index}].email`) ?? 'default';
    const scopes = (optionalArray(account, 'scopes', `${prefix}.serviceAccounts[${index}].scopes`) ?? []).filter((scope): scope is string => typeof scope === 'string');
    return { email, scopes };
  });
}

/** Reads an Instance body (`prefix` = `resource`) or template properties (`resource.properties`). */
export function parseInstanceSpec(value: unknown, prefix: string): InstanceSpec {
  const record = asRecord(value, prefix);
  const spec: InstanceSpec = {};
  const name = optionalString(record, 'name', `${prefix}.name`);
  if (name !== undefined) spec.name = name;
  const description = optionalString(record, 'description', `${prefix}.description`);
  if (description !== undefined) spec.description = description;
  const machineType = optionalString(record, 'machineType', `${prefix}.machineType`);
  if (machineType !== undefined && machineType !== '') spec.machineType = lastSegment(machineType);
  const labels = optionalStringMap(record, 'labels', `${prefix}.labels`);
  if (labels !== undefined && Object.keys(labels).length > 0) spec.labels = validateLabels(labels, `${prefix}.labels`);
  if (record['metadata'] !== undefined) {
    spec.metadataItems = parseMetadataItems(asRecord(record['metadata'], `${prefix}.metadata`)['items'], `${prefix}.metadata.items`);
  }
  parseDisks(record, prefix, spec);
  parseNetwork(record, prefix, spec);
  const serviceAccounts = parseServiceAccounts(record, prefix);
  if (serviceAccounts) spec.serviceAccounts = serviceAccounts;
  const tags = optionalArray(asRecord(record['tags'], `${prefix}.tags`), 'items', `${prefix}.tags.items`);
  if (tags) spec.tags = tags.filter((tag): tag is string => typeof tag === 'string');
  if (isRecord(record['scheduling'])) spec.scheduling = record['scheduling'];
  const canIpForward = optionalBoolean(record, 'canIpForward', `${prefix}.canIpForward`);
  if (canIpForward !== undefined) spec.canIpForward = canIpForward;
  const deletionProtection = optionalBoolean(record, 'deletionProtection', `${prefix}.deletionProtection`);
  if (deletionProtection !== undefined) spec.deletionProtection = deletionProtection;
  return spec;
}

/** Field by field: whatever `override` sets wins. */
export function mergeSpecs(base: InstanceSpec, override: InstanceSpec): InstanceSpec {
  const merged: InstanceSpec = { ...base };
  for (const [key, value] of Object.entries(override) as [keyof InstanceSpec, InstanceSpec[keyof InstanceSpec]][]) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  return merged;
}
