/** Plain records the explorer shows; parsed once from the Compute client's responses. */

export type DeployMode = 'cloud-init' | 'konlet' | 'startup-script' | 'none';

export interface InstanceRef {
  project: string;
  zone: string;
  name: string;
}

export interface InstanceSummary extends InstanceRef {
  id: string;
  status: string;
  machineType: string;
  natIP: string | undefined;
  internalIP: string | undefined;
  labels: Record<string, string>;
  deployMode: DeployMode;
  /** Images the instance runs, as its declaration says (`image@sha256:…` when pinned). */
  images: string[];
  /** The declaration behind the deployment (konlet value or cosvm's copy), when there is one. */
  declaration: string | undefined;
  creationTimestamp: string | undefined;
  /** The MIG that owns it (`created-by` metadata), if any. */
  createdBy: string | undefined;
}

export interface TemplateSummary {
  project: string;
  /** `global` or the region name. */
  scope: string;
  name: string;
  machineType: string;
  deployMode: DeployMode;
  images: string[];
  declaration: string | undefined;
  creationTimestamp: string | undefined;
}

export interface MigSummary {
  project: string;
  /** `zones/Z` or `regions/R`. */
  location: string;
  name: string;
  targetSize: number;
  templates: string[];
  isStable: boolean;
  currentActions: Record<string, number>;
}

export interface ManagedInstanceSummary {
  name: string;
  zone: string;
  status: string;
  currentAction: string;
  version: string | undefined;
}

/** The last path segment of a Compute URL (`…/zones/us-central1-a` → `us-central1-a`). */
export function lastSegment(url: string | null | undefined): string {
  if (!url) return '';
  const cut = url.lastIndexOf('/');
  return cut >= 0 ? url.slice(cut + 1) : url;
}
