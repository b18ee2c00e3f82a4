/**
 * The JSON the emulator stores and serves, field names as in the client's proto (gce-api-notes §2).
 * int64 fields are strings. Unknown request fields the emulator keeps verbatim are typed `unknown`.
 */
export interface MetadataItem {
  key: string;
  value: string;
}

export interface Metadata {
  kind: 'compute#metadata';
  fingerprint: string;
  items: MetadataItem[];
}

export interface AccessConfig {
  kind: 'compute#accessConfig';
  name: string;
  type: 'ONE_TO_ONE_NAT';
  natIP: string;
  networkTier: string;
}

export interface NetworkInterface {
  kind: 'compute#networkInterface';
  name: string;
  network: string;
  subnetwork: string;
  networkIP: string;
  fingerprint: string;
  stackType: 'IPV4_ONLY';
  accessConfigs?: AccessConfig[];
}

export interface AttachedDisk {
  kind: 'compute#attachedDisk';
  type: 'PERSISTENT';
  mode: 'READ_WRITE';
  source: string;
  deviceName: string;
  index: number;
  boot: boolean;
  autoDelete: boolean;
  licenses: string[];
  interface: 'SCSI';
  guestOsFeatures: { type: string }[];
  diskSizeGb: string;
  architecture: string;
}

export interface ServiceAccount {
  email: string;
  scopes: string[];
}

export interface InstanceResource {
  kind: 'compute#instance';
  id: string;
  creationTimestamp: string;
  name: string;
  description?: string;
  tags: { fingerprint: string; items?: string[] };
  machineType: string;
  status: string;
  zone: string;
  canIpForward: boolean;
  networkInterfaces: NetworkInterface[];
  disks: AttachedDisk[];
  metadata: Metadata;
  serviceAccounts: ServiceAccount[];
  selfLink: string;
  scheduling: Record<string, unknown>;
  cpuPlatform: string;
  labels: Record<string, string>;
  labelFingerprint: string;
  startRestricted: boolean;
  deletionProtection: boolean;
  shieldedInstanceConfig: { enableSecureBoot: boolean; enableVtpm: boolean; enableIntegrityMonitoring: boolean };
  fingerprint: string;
  lastStartTimestamp?: string;
  lastStopTimestamp?: string;
  satisfiesPzi: boolean;
}

export interface InstanceTemplateResource {
  kind: 'compute#instanceTemplate';
  id: string;
  creationTimestamp: string;
  name: string;
  description?: string;
  /** The instance properties as sent (normalised metadata), served back as they were stored. */
  properties: Record<string, unknown>;
  selfLink: string;
  region?: string;
}

export interface IgmVersion {
  name?: string;
  instanceTemplate: string;
  targetSize?: { fixed?: number; percent?: number; calculated?: number };
}

export interface FixedOrPercent {
  fixed?: number;
  percent?: number;
  calculated?: number;
}

export interface UpdatePolicy {
  type: string;
  minimalAction: string;
  mostDisruptiveAllowedAction?: string;
  replacementMethod: string;
  maxSurge: FixedOrPercent;
  maxUnavailable: FixedOrPercent;
  instanceRedistributionType?: string;
}
