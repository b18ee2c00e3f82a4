import { EMPTY_FINGERPRINT } from './ids';
import { imageLicenses, resolveImage } from './images';
import type { InstanceSpec } from './instanceSpec';
import type { InstanceResource } from './resources';
import { computeTimestamp } from './time';
import { link, zonePath } from './urls';
import { regionOf } from './zones';
import { VmRecord, type MigOwner } from './vm';
import type { World } from './world';

const DEFAULT_SCOPES = [
  'https://www.googleapis.com/auth/devstorage.read_only', 'https://www.googleapis.com/auth/logging.write',
  'https://www.googleapis.com/auth/monitoring.write', 'https://www.googleapis.com/auth/service.management.readonly',
  'https://www.googleapis.com/auth/servicecontrol', 'https://www.googleapis.com/auth/trace.append',
];

/** The default compute service account of a project, named after its number as Google does. */
export function defaultServiceAccount(projectNumber: string): string {
  return `${projectNumber}-compute@developer.gserviceaccount.com`;
}

/** Builds a new instance record in `PROVISIONING` (or the given status) with realistic fields (§2.1). */
export function createVm(world: World, project: string, zone: string, name: string, spec: InstanceSpec, options: { status?: string; owner?: MigOwner; natIP?: string } = {}): VmRecord {
  const projectState = world.projects.get(project);
  const image = resolveImage(spec.sourceImage);
  const zoneLink = link(zonePath(project, zone));
  const natIP = options.natIP ?? world.natIps.next();
  const internal = world.internalIps.next();
  const machineType = spec.machineType ?? 'e2-medium';
  const metadataItems = spec.metadataItems ?? [];
  const labels = spec.labels ?? {};
  const created = computeTimestamp(world.now());
  const resource: InstanceResource = {
    kind: 'compute#instance', id: world.ids.resourceId(), creationTimestamp: created, name,
    tags: { fingerprint: EMPTY_FINGERPRINT, ...(spec.tags && spec.tags.length > 0 ? { items: spec.tags } : {}) },
    machineType: `${zoneLink}/machineTypes/${machineType}`,
    status: options.status ?? 'PROVISIONING', zone: zoneLink, canIpForward: spec.canIpForward ?? false,
    networkInterfaces: [{
      kind: 'compute#networkInterface', name: 'nic0', network: link(`projects/${project}/global/networks/default`),
      subnetwork: link(`projects/${project}/regions/${regionOf(zone)}/subnetworks/default`),
      networkIP: internal, fingerprint: world.ids.fingerprint(), stackType: 'IPV4_ONLY',
      ...(spec.externalIp === false ? {} : {
        accessConfigs: [{ kind: 'compute#accessConfig' as const, name: 'External NAT', type: 'ONE_TO_ONE_NAT' as const, natIP, networkTier: spec.networkTier ?? 'PREMIUM' }],
      }),
    }],
    disks: [{
      kind: 'compute#attachedDisk', type: 'PERSISTENT', mode: 'READ_WRITE', source: `${zoneLink}/disks/${name}`,
      deviceName: 'persistent-disk-0', index: 0, boot: true, autoDelete: true, licenses: imageLicenses(image), interface: 'SCSI',
      guestOsFeatures: [{ type: 'VIRTIO_SCSI_MULTIQUEUE' }, { type: 'SEV_CAPABLE' }, { type: 'UEFI_COMPATIBLE' }, { type: 'GVNIC' }],
      diskSizeGb: spec.diskSizeGb ?? '10', architecture: 'X86_64',
    }],
    metadata: { kind: 'compute#metadata', fingerprint: metadataItems.length > 0 ? world.ids.fingerprint() : EMPTY_FINGERPRINT, items: metadataItems },
    serviceAccounts: (spec.serviceAccounts ?? [{ email: 'default', scopes: DEFAULT_SCOPES }]).map((account) => ({
      email: account.email === 'default' ? defaultServiceAccount(projectState.id) : account.email,
      scopes: account.scopes,
    })),
    selfLink: `${zoneLink}/instances/${name}`,
    scheduling: spec.scheduling ?? { onHostMaintenance: 'MIGRATE', automaticRestart: true, preemptible: false, provisioningModel: 'STANDARD' },
    cpuPlatform: 'Intel Broadwell', labels, labelFingerprint: Object.keys(labels).length > 0 ? world.ids.fingerprint() : EMPTY_FINGERPRINT,
    startRestricted: false, deletionProtection: spec.deletionProtection ?? false,
    shieldedInstanceConfig: { enableSecureBoot: false, enableVtpm: true, enableIntegrityMonitoring: true },
    fingerprint: world.ids.fingerprint(), satisfiesPzi: true,
  };
  if (spec.description !== undefined) resource.description = spec.description;
  if (resource.status === 'RUNNING') resource.lastStartTimestamp = created;
  return new VmRecord(project, zone, resource, image, natIP, options.owner);
}
