/**
 * Deploying a rendered declaration to a target (DESIGN §3.3), with every operation awaited:
 *
 * - a new instance: COS from `cos-cloud`/`cos-stable`, our metadata, labels, the default service account with
 *   gcloud's scopes (konlet-spec.md §3.4);
 * - an existing instance: metadata merged on its fingerprint (a 412 re-reads and re-merges), then applied: over
 *   SSH when it answers (our startup-script rendering run as root re-writes and restarts the units; konlet's
 *   unit restarted), else a reset (cloud-init and startup scripts run at every boot on COS) or, for konlet,
 *   stop and start as `gcloud compute instances update-container` does;
 * - a MIG: a new template, then a new MIG or a proactive rolling update to it (gce-api-notes.md §2.7–2.8).
 */
import { abortableSleep } from '../abortableSleep';
import { DeployError, throwIfAborted } from '../errors';
import { parseDeclaration } from '../declaration/parse';
import { containerName } from '../declaration/render/dockerRun';
import { renderStartupScript } from '../declaration/render/startupScript';
import { unitName } from '../declaration/render/systemdUnit';
import type { ComputeClients } from '../gce/computeClients';
import { normaliseGceError, unlessNotFound } from '../gce/errors';
import { updateInstanceMetadata, type MetadataEntry } from '../gce/instanceMetadata';
import { lastSegment, type InstanceRef } from '../gce/model';
import { operationOf, waitForOperation } from '../gce/operations';
import { instanceAction } from '../gce/resources';
import { planDeployMetadata, renderedMetadata } from './metadata';
import type { InstanceTarget, MigTarget } from './profile';

/** `constants.DEFAULT_SCOPES` of gcloud (konlet-spec.md §3.4). */
export const defaultScopes = [
  'https://www.googleapis.com/auth/devstorage.read_only',
  'https://www.googleapis.com/auth/logging.write',
  'https://www.googleapis.com/auth/monitoring.write',
  'https://www.googleapis.com/auth/pubsub',
  'https://www.googleapis.com/auth/service.management.readonly',
  'https://www.googleapis.com/auth/servicecontrol',
  'https://www.googleapis.com/auth/trace.append',
];

export const cosImageFamily = 'projects/cos-cloud/global/images/family/cos-stable';

/** The result of a shell command on the VM (ssh/connection.ts `CommandResult`). */
export interface RemoteResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface DeployContext {
  clients: ComputeClients;
  /** Runs a shell command on an instance over SSH; undefined (or a rejection) means SSH is not possible. */
  runOnInstance?: (ref: InstanceRef, command: string, signal?: AbortSignal) => Promise<RemoteResult>;
  onProgress?: (message: string) => void;
  now?: () => Date;
  signal?: AbortSignal;
}

/** How the new declaration reached the VM. */
export type Applied = 'created' | 'ssh' | 'reset' | 'stop-start' | 'next-start' | 'rolling-update';

export interface InstanceDeployResult {
  instances: InstanceRef[];
  applied: Applied;
  /** Why the SSH fast path was not taken, when it was tried. */
  sshSkipped?: string;
}

function labelsFor(mode: string): Record<string, string> {
  return { 'managed-by': 'cosvm', 'cosvm-mode': mode };
}

/** The instance body shared by new instances and templates (machine type and network spelled per kind). */
function vmProperties(machineType: string, metadata: MetadataEntry[], mode: string) {
  return {
    machineType,
    disks: [{ boot: true, autoDelete: true, type: 'PERSISTENT', initializeParams: { sourceImage: cosImageFamily, diskSizeGb: '10' } }],
    networkInterfaces: [{ network: 'global/networks/default', accessConfigs: [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT' }] }],
    metadata: { items: metadata },
    labels: labelsFor(mode),
    serviceAccounts: [{ email: 'default', scopes: defaultScopes }],
  };
}

/**
 * A zonal or regional MIG's client and request (the two APIs differ only in `zone` / `region`). The client's
 * methods are typed per API; this one shape serves both.
 */
export function migApi(clients: ComputeClients, target: MigTarget) {
  const regional = target.location.startsWith('regions/');
  const place = lastSegment(target.location);
  const managers = (regional ? clients.regionInstanceGroupManagers : clients.instanceGroupManagers) as unknown as Record<'get' | 'insert' | 'patch' | 'listManagedInstances', (request: object) => Promise<unknown>>;
  const where = regional ? { project: target.project, region: place } : { project: target.project, zone: place };
  return { regional, managers, where, request: { ...where, instanceGroupManager: target.name } };
}

export async function deployToInstance(context: DeployContext, target: InstanceTarget, declarationText: string): Promise<InstanceDeployResult> {
  const { clients, signal } = context;
  const ref: InstanceRef = { project: target.project, zone: target.zone, name: target.name };
  const progress = context.onProgress ?? (() => undefined);
  const existing = await unlessNotFound(() => clients.instances.get({ project: ref.project, zone: ref.zone, instance: ref.name }), `Reading ${ref.name}`, signal);
  if (!existing) {
    if (target.mode === 'konlet') {
      throw new DeployError('deploy/conflict', `New VMs cannot use konlet: Google shut the container startup agent down for new VMs on 2026-07-31. Set mode: cloud-init for ${target.name}.`);
    }
    progress(`Creating ${target.name} in ${target.zone}`);
    const what = `Creating ${target.name}`;
    let answer: unknown;
    try {
      answer = await clients.instances.insert({
        project: target.project,
        zone: target.zone,
        instanceResource: { name: target.name, ...vmProperties(`zones/${target.zone}/machineTypes/${target.machineType}`, renderedMetadata(declarationText, target.mode), target.mode) },
      });
    } catch (error) {
      throw normaliseGceError(error, what, signal);
    }
    await waitForOperation(clients, target.project, operationOf(answer), what, signal);
    return { instances: [ref], applied: 'created' };
  }

  progress(`Updating the metadata of ${target.name}`);
  const update = await updateInstanceMetadata(clients, ref, `Updating the metadata of ${target.name}`, (items) => planDeployMetadata(items, declarationText, target.mode, target.name), signal);
  // Stopped, stopping or suspended: nothing runs to update; the new metadata applies when it starts.
  if (update.status !== 'RUNNING') return { instances: [ref], applied: 'next-start' };
  return { instances: [ref], ...(await applyOnInstance(context, ref, declarationText, target.mode)) };
}

/** The in-place command's exit code when the SSH user may not use sudo: then only a reset can apply the change. */
export const noSudoExit = 97;

/**
 * The shell command that applies a declaration in place: konlet's unit restarted, or our startup-script
 * rendering run as root (units re-written and restarted), after stopping `cosvm-*` units the declaration no
 * longer has. The script travels base64-encoded, so nothing in the declaration can end a heredoc or a quote.
 */
export function inPlaceCommand(declarationText: string, mode: InstanceTarget['mode']): string {
  const sudoCheck = `sudo -n true 2>/dev/null || exit ${noSudoExit}`;
  if (mode === 'konlet') return `${sudoCheck}; sudo -n systemctl restart konlet-startup`;
  const spec = parseDeclaration(declarationText).declaration.spec ?? {};
  const keep = (spec.containers ?? []).map((container, index) => unitName(containerName(container, index)));
  const staleUnits = [
    `keep=' ${keep.join(' ')} '`,
    "for unit in $(systemctl list-units --all --plain --no-legend 'cosvm-*.service' | awk '{print $1}'); do",
    '  case "$keep" in *" $unit "*) ;; *) systemctl stop "$unit"; rm -f "/etc/systemd/system/$unit" ;; esac',
    'done',
    '',
  ].join('\n');
  const script = Buffer.from(`${staleUnits}${renderStartupScript(spec)}`).toString('base64');
  return `${sudoCheck}; echo ${script} | base64 -d | sudo -n bash -s`;
}

async function applyOnInstance(context: DeployContext, ref: InstanceRef, declarationText: string, mode: InstanceTarget['mode']): Promise<{ applied: Applied; sshSkipped?: string }> {
  const progress = context.onProgress ?? (() => undefined);
  let sshSkipped: string | undefined;
  if (context.runOnInstance) {
    progress(mode === 'konlet' ? `Restarting konlet-startup on ${ref.name}` : `Restarting the containers on ${ref.name} over SSH`);
    let result: RemoteResult | undefined;
    try {
      result = await context.runOnInstance(ref, inPlaceCommand(declarationText, mode), context.signal);
    } catch (error) {
      throwIfAborted(context.signal, 'The deploy');
      sshSkipped = error instanceof Error ? error.message : String(error);
    }
    if (result?.exitCode === 0) return { applied: 'ssh' };
    if (result && result.exitCode !== noSudoExit) {
      // It ran and failed: a reset would fail the same way at boot, so say what went wrong instead.
      const said = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');
      throw new DeployError('deploy/failed', `The update on ${ref.name} failed (exit ${result.exitCode ?? 'by a signal'}): ${said || 'no output'}. Its metadata holds the new declaration, which it runs at its next boot.`);
    }
    if (result) sshSkipped = `the SSH user may not use sudo on ${ref.name}`;
  } else sshSkipped = 'SSH is not available';
  if (mode === 'konlet') {
    progress(`Stopping and starting ${ref.name} (as gcloud update-container does)`);
    await instanceAction(context.clients, ref, 'stop', context.signal);
    await instanceAction(context.clients, ref, 'start', context.signal);
    return { applied: 'stop-start', sshSkipped };
  }
  progress(`Resetting ${ref.name}: its containers start from the new metadata at boot`);
  await instanceAction(context.clients, ref, 'reset', context.signal);
  return { applied: 'reset', sshSkipped };
}

/** `<prefix>-<yyyymmdd-hhmmss>`: template names sort by time and stay within 63 characters. */
export function templateName(prefix: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${prefix.slice(0, 47)}-${stamp}`;
}

export interface MigDeployResult {
  template: string;
  applied: 'created' | 'rolling-update';
  instances: InstanceRef[];
}

export async function deployToMig(context: DeployContext, target: MigTarget, declarationText: string): Promise<MigDeployResult> {
  const { clients, signal } = context;
  const progress = context.onProgress ?? (() => undefined);
  const { regional, managers, where, request } = migApi(clients, target);
  const template = templateName(target.templatePrefix, (context.now ?? (() => new Date()))());
  progress(`Creating the instance template ${template}`);
  const templateWhat = `Creating the instance template ${template}`;
  let answer: unknown;
  try {
    answer = await clients.instanceTemplates.insert({
      project: target.project,
      instanceTemplateResource: { name: template, properties: vmProperties(target.machineType, renderedMetadata(declarationText, target.mode), target.mode) },
    });
  } catch (error) {
    throw normaliseGceError(error, templateWhat, signal);
  }
  await waitForOperation(clients, target.project, operationOf(answer), templateWhat, signal);
  const templateUrl = `projects/${target.project}/global/instanceTemplates/${template}`;

  const migWhat = `Updating the MIG ${target.name}`;
  const exists = (await unlessNotFound(() => managers.get(request), migWhat, signal)) !== undefined;
  const version = { name: template, instanceTemplate: templateUrl };
  try {
    if (exists) {
      progress(`Rolling ${target.name} to ${template}`);
      answer = await managers.patch({
        ...request,
        instanceGroupManagerResource: {
          instanceTemplate: templateUrl,
          versions: [version],
          updatePolicy: { type: 'PROACTIVE', minimalAction: 'REPLACE', maxSurge: { fixed: regional ? 3 : 1 }, maxUnavailable: { fixed: 0 } },
        },
      });
    } else {
      progress(`Creating the MIG ${target.name} (${target.size} VMs)`);
      answer = await managers.insert({
        ...where,
        instanceGroupManagerResource: { name: target.name, baseInstanceName: target.name, instanceTemplate: templateUrl, versions: [version], targetSize: target.size },
      });
    }
  } catch (error) {
    throw normaliseGceError(error, migWhat, signal);
  }
  await waitForOperation(clients, target.project, operationOf(answer), migWhat, signal);
  const instances = await waitForMigVersion(context, target);
  return { template, applied: exists ? 'rolling-update' : 'created', instances };
}

interface RawManagedInstance {
  instance?: string | null;
  instanceStatus?: string | null;
}

interface RawMig {
  targetSize?: number | null;
  status?: { isStable?: boolean | null; versionTarget?: { isReached?: boolean | null } | null } | null;
}

/**
 * Waits until the group says it is stable and on its target version (so resizes and autoscalers count, not the
 * profile's size); returns its running members.
 */
async function waitForMigVersion(context: DeployContext, target: MigTarget): Promise<InstanceRef[]> {
  const { clients, signal } = context;
  const { managers, request } = migApi(clients, target);
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    throwIfAborted(signal, 'The rolling update');
    let mig: RawMig;
    try {
      [mig] = (await managers.get(request)) as [RawMig];
    } catch (error) {
      throw normaliseGceError(error, `Reading ${target.name}`, signal);
    }
    if (mig.status?.isStable && mig.status.versionTarget?.isReached) {
      let members: RawManagedInstance[];
      try {
        [members] = (await managers.listManagedInstances(request)) as [RawManagedInstance[]];
      } catch (error) {
        throw normaliseGceError(error, `Listing the members of ${target.name}`, signal);
      }
      return (members ?? [])
        .filter((m) => m.instanceStatus === 'RUNNING')
        .map((m) => {
          const url = m.instance ?? '';
          return { project: target.project, zone: /\/zones\/([^/]+)\//.exec(url)?.[1] ?? '', name: lastSegment(url) };
        });
    }
    context.onProgress?.(`${target.name}: rolling out to ${mig.targetSize ?? '?'} VMs`);
    if (Date.now() > deadline) throw new DeployError('deploy/failed', `${target.name} did not finish its rolling update within 15 minutes; see its members in the explorer.`);
    await abortableSleep(2_000, signal);
  }
}
