/**
 * One deploy of a declaration to one target, end to end: the target updated (targets.ts), the new images
 * checked on the VMs (verify.ts), the deploy recorded (history.ts). Also the edit that writes a pushed
 * digest into the declaration. Both the palette's Deploy and Rollback come through here.
 */
import { DeployError } from '../errors';
import { formatImageRef, parseImageRef } from '../docker/imageRef';
import { applyTextEdits, formEditToTextEdits } from '../declaration/formEdits';
import { parseDeclaration } from '../declaration/parse';
import type { InstanceRef } from '../gce/model';
import { imagesOf, type DeployHistory, type HistoryEntry } from './history';
import { targetKey, type DeployTarget } from './profile';
import { deployToInstance, deployToMig, type Applied, type DeployContext } from './targets';
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

  let verification: Verification;
  const runOnInstance = run.runOnInstance;
  if (applied === 'next-start') {
    verification = { ok: false, detail: `${target.name} is stopped: it runs the new declaration when it starts.`, running: [] };
  } else if (!runOnInstance) {
    verification = { ok: false, detail: 'SSH is not available, so the running containers could not be checked.', running: [] };
  } else if (instances.length === 0) {
    verification = { ok: true, detail: `${target.name} has no VMs (size 0); its template runs ${images.join(', ')}.`, running: [] };
  } else {
    run.onProgress?.(`Checking that ${instances.map((i) => i.name).join(', ')} run${instances.length === 1 ? 's' : ''} the new image`);
    const checks = await Promise.all(
      instances.map((ref) =>
        verifyImagesRunning(images, async (signal) => {
          const result = await runOnInstance(ref, dockerPsCommand, signal);
          if (result.exitCode !== 0) throw new Error(`docker ps exited with ${result.exitCode ?? 'a signal'}: ${result.stderr.trim()}`);
          return parseDockerPs(result.stdout);
        }, { where: ref.name, timeoutMs: run.verifyTimeoutMs, ...(run.signal ? { signal: run.signal } : {}) }),
      ),
    );
    const failed = checks.filter((check) => !check.ok);
    verification = failed.length === 0 ? { ok: true, detail: checks.map((c) => c.detail).join(' '), running: checks.flatMap((c) => c.running) } : { ok: false, detail: failed.map((c) => c.detail).join(' '), running: checks.flatMap((c) => c.running) };
  }

  const entry = await run.history?.record(targetKey(target), {
    time: (run.now ?? (() => new Date()))().toISOString(),
    images,
    declaration: declarationText,
    mode: target.mode,
    verified: verification.ok,
  });
  return { target, applied, instances, ...(template ? { template } : {}), verification, entry, ...(sshSkipped ? { sshSkipped } : {}) };
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
