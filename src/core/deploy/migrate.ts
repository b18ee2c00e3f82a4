/**
 * konlet → cloud-init in one step (DESIGN §2): the declaration in `gce-container-declaration` becomes our
 * cloud-init `user-data` (plus our copy of the declaration), konlet's own keys go, everything else stays byte for
 * byte. The plan is computed first so the user sees the change before it is made; applying it re-checks the
 * instance on its fingerprint and resets it, because cloud-init runs at boot.
 */
import { DeployError } from '../errors';
import { parseDeclaration } from '../declaration/parse';
import { konletKey } from '../gce/deployInfo';
import type { ComputeClients } from '../gce/computeClients';
import { mergeMetadata, updateInstanceMetadata, type MetadataEntry } from '../gce/instanceMetadata';
import type { InstanceRef } from '../gce/model';
import { instanceAction } from '../gce/resources';
import { renderedMetadata } from './metadata';

export interface MigrationPlan {
  before: MetadataEntry[];
  after: MetadataEntry[];
  /** The declaration text our copy will hold (konlet's value without its DISCLAIMER header). */
  declaration: string;
}

/** The metadata after migration; throws when the instance is not a konlet VM or has its own user-data. */
export function planMigration(items: readonly MetadataEntry[], instance: string): MigrationPlan {
  const konlet = items.find((item) => item.key === konletKey)?.value;
  if (konlet === undefined) throw new DeployError('deploy/conflict', `${instance} has no gce-container-declaration: it does not run on konlet, so there is nothing to migrate.`);
  const parsed = parseDeclaration(konlet);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) {
    throw new DeployError('deploy/conflict', `The declaration on ${instance} has errors (${parsed.diagnostics.find((d) => d.severity === 'error')?.message ?? ''}); fix it before migrating.`);
  }
  if (items.some((item) => item.key === 'user-data')) {
    throw new DeployError('deploy/conflict', `${instance} already has user-data, which the migration would replace. Remove it first.`);
  }
  // gcloud's comment header is for konlet readers; our copy keeps the declaration itself.
  const declaration = konlet.replace(/^(#[^\n]*\n|\n)*/, '');
  // google-logging-enabled stays: on COS it turns on the VM's logging agent, not just konlet's.
  const after = mergeMetadata(items, renderedMetadata(declaration, 'cloud-init'), [konletKey, 'gce-container-runner-version-override']);
  return { before: [...items], after, declaration };
}

/** Applies the migration (re-planned on the current metadata) and resets the VM so cloud-init runs. */
export async function migrateToCloudInit(clients: ComputeClients, ref: InstanceRef, signal?: AbortSignal): Promise<MigrationPlan> {
  let plan: MigrationPlan | undefined;
  const update = await updateInstanceMetadata(clients, ref, `Migrating ${ref.name} to cloud-init`, (items) => (plan = planMigration(items, ref.name)).after, signal);
  if (update.status === 'RUNNING') await instanceAction(clients, ref, 'reset', signal);
  return plan!;
}

/** `key: value` lines of metadata, for the preview diff (values shown in full; secrets do not belong in metadata). */
export function metadataPreview(items: readonly MetadataEntry[]): string {
  return items.map((item) => `# ── ${item.key} ──\n${item.value.endsWith('\n') ? item.value : `${item.value}\n`}`).join('\n');
}

