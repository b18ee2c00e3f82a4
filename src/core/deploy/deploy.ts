/**
 * One deploy of a declaration to one target, end to end: the target updated (targets.ts), the new images
 * checked on the VMs (verify.ts), the deploy recorded (history.ts). Also the edit that writes a pushed
 * digest into the declaration. Both the palette's Deploy and Rollback come through here.
 */
import { DeployError } from '../errors';
import { formatImageRef, parseImageRef } from '../docker/imageRef';
import { applyTextEdits, formEditToTextEdits } from '../declaration/formEdits';
import { parseDeclaration } from '../declaration/parse';
import { unlessNotFound } from '../gce/errors';
import { lastSegment, type InstanceRef } from '../gce/model';
import { deployedDeclaration } from './metadata';
import { imagesOf, type DeployHistory, type HistoryEntry } from './history';
import { targetKey, type DeployTarget } from './profile';
import { deployToInstance, deployToMig, migApi, type Applied, type DeployContext } from './targets';
import { dockerPsCommand, parseDockerPs, verifyImagesRunning, type Verification } from './verify';

export interface DeployOutcome {
  target: DeployTarget;
  applied: Applied;
  instances: InstanceRef[];
  /** The new template, for a MIG. */
  template?: string;
  verification: Verification;
  entry: HistoryEntry | undefined;
  /** Why the in-place SSH update was not used (then the VM was reset or stopped and started). */
  sshSkipped?: string;
}

export interface DeployRun extends DeployContext {
  history?: DeployHistory;
  /** How long to wait for the containers to run (a reset reboots the VM); default 3 minutes. */
  verifyTimeoutMs?: number;
}

export async function deployDeclaration(run: DeployRun, target: DeployTarget, declarationText: string): Promise<DeployOutcome> {
  const errors = parseDeclaration(declarationText).diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new DeployError('deploy/failed', `The declaration has errors (${errors[0]?.message ?? ''}); fix them before deploying.`);
  const images = imagesOf(declarationText);
  if (images.length === 0) throw new DeployError('deploy/failed', 'The declaration names no container image.');

  let instances: InstanceRef[];
  let applied: Applied;
  let template: string | undefined;
  let sshSkipped: string | undefined;
  if (target.kind === 'instance') {
    ({ instances, applied, sshSkipped } = await deployToInstance(run, target, declarationText));
  } else {
    ({ instances, applied, template } = await deployToMig(run, target, declarationText));
  }

  // The target runs the new declaration from here on: record it even if the check below fails or is cancelled,
  // so history (and Roll Back) never lags behind what the VMs were given.
  const record = (verified: boolean) =>
    run.history?.record(targetKey(target), { time: (run.now ?? (() => new Date()))().toISOString(), images, declaration: declarationText, mode: target.mode, verified });
  let verification: Verification;
  try {
    verification = await verifyDeploy(run, target, instances, applied, images);
  } catch (error) {
    await record(false);
    throw error;
  }
  const entry = await record(verification.ok);
  return { target, applied, instances, ...(template ? { template } : {}), verification, entry, ...(sshSkipped ? { sshSkipped } : {}) };
}

async function verifyDeploy(run: DeployRun, target: DeployTarget, instances: InstanceRef[], applied: Applied, images: string[]): Promise<Verification> {
  const runOnInstance = run.runOnInstance;
  if (applied === 'next-start') return { ok: false, detail: `${target.name} is not running: it runs the new declaration when it starts.`, running: [] };
  if (!runOnInstance) return { ok: false, detail: 'SSH is not available, so the running containers could not be checked.', running: [] };
  if (instances.length === 0) return { ok: true, detail: `${target.name} has no VMs now; its template runs ${images.join(', ')}.`, running: [] };
  run.onProgress?.(`Checking that ${instances.map((i) => i.name).join(', ')} run${instances.length === 1 ? 's' : ''} the new image`);
  const checks = await Promise.all(
    instances.map((ref) =>
      verifyImagesRunning(
        images,
        async (signal) => {
          const result = await runOnInstance(ref, dockerPsCommand, signal);
          if (result.exitCode !== 0) throw new Error(`docker ps exited with ${result.exitCode ?? 'a signal'}: ${result.stderr.trim()}`);
          return parseDockerPs(result.stdout);
        },
        { where: ref.name, timeoutMs: run.verifyTimeoutMs, ...(run.signal ? { signal: run.signal } : {}) },
      ),
    ),
  );
  const failed = checks.filter((check) => !check.ok);
  return { ok: failed.length === 0, detail: (failed.length === 0 ? checks : failed).map((c) => c.detail).join(' '), running: checks.flatMap((c) => c.running) };
}

/** The declaration a target runs now, read from its metadata (an instance's, or its MIG template's). */
export async function currentDeclaration(clients: DeployContext['clients'], target: DeployTarget, signal?: AbortSignal): Promise<string | undefined> {
  const declarationIn = (items: readonly { key?: string | null; value?: string | null }[] | null | undefined) => deployedDeclaration((items ?? []).map((i) => ({ key: i.key ?? '', value: i.value ?? '' })));
  return unlessNotFound(
    async () => {
      if (target.kind === 'instance') {
        const [instance] = await clients.instances.get({ project: target.project, zone: target.zone, instance: target.name });
        return declarationIn(instance.metadata?.items);
      }
      const { managers, request } = migApi(clients, target);
      const [mig] = (await managers.get(request)) as [{ instanceTemplate?: string | null }];
      const [template] = await clients.instanceTemplates.get({ project: target.project, instanceTemplate: lastSegment(mig.instanceTemplate) });
      return declarationIn(template.properties?.metadata?.items);
    },
    `Reading ${target.name}`,
    signal,
  );
}

/**
 * What a rollback can go back to: earlier deploys (newest first, one per declaration) other than what the
 * target runs now. Read from the target, not from the newest entry: a deploy that failed half-way, or one
 * made from another workspace, may be what runs.
 */
export function rollbackChoices(entries: readonly HistoryEntry[], current: string | undefined): HistoryEntry[] {
  const seen = new Set<string>(current === undefined ? [] : [current]);
  return entries.filter((entry) => !seen.has(entry.declaration) && seen.add(entry.declaration));
}

/**
 * The declaration with every container whose image is in `repository` (any tag or digest) set to `pinned`
 * (`repository@sha256:…`), as minimal edits that keep comments and formatting.
 */
export function pinImage(declarationText: string, repository: string, pinned: string): string {
  const wanted = formatImageRef({ ...parseImageRef(repository), tag: undefined, digest: undefined });
  const containers = parseDeclaration(declarationText).declaration.spec?.containers ?? [];
  const matching = containers.flatMap((container, index) => {
    const image = container.image ?? '';
    return image && formatImageRef({ ...parseImageRef(image), tag: undefined, digest: undefined }) === wanted ? [index] : [];
  });
  if (matching.length === 0) {
    throw new DeployError('deploy/failed', `No container of the declaration uses ${wanted}: set a container's image to ${wanted} so cosvm knows which one to update.`);
  }
  let text = declarationText;
  for (const index of matching) text = applyTextEdits(text, formEditToTextEdits(text, { kind: 'set', path: ['spec', 'containers', index, 'image'], value: pinned }));
  return text;
}

/**
 * The one replacement that turns `before` into `after`: the span between their common prefix and common suffix
 * (which must not overlap in the shorter text). An editor applying it keeps undo, cursor and folding.
 */
export function changedSpan(before: string, after: string): { start: number; end: number; text: string } {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < Math.min(before.length, after.length) - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { start: head, end: before.length - tail, text: after.slice(head, after.length - tail) };
}
