import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands, type ActionContext } from '../common/action';
import { withCancellation } from '../common/cancellation';
import { currentDeclaration, rollbackChoices, type DeployOutcome } from '../core/deploy/deploy';
import type { HistoryEntry } from '../core/deploy/history';
import { metadataPreview, migrateToCloudInit, planMigration } from '../core/deploy/migrate';
import { targetKey, type DeployTarget, type InstanceTarget as ProfileInstanceTarget } from '../core/deploy/profile';
import { runDeclarationLocally } from '../core/docker/runLocal';
import { parseDeclaration } from '../core/declaration/parse';
import { CancelledError, CosvmError } from '../core/errors';
import type { InstanceSummary } from '../core/gce/model';
import type { Ctx } from '../ctx';
import type { RenderPreviews } from '../declaration/RenderPreviews';
import { InstanceNode } from '../explorer/nodes/InstanceNode';
import { MigNode } from '../explorer/nodes/MigNode';
import type { InstanceTarget as PickInstance } from '../explorer/targetInstance';
import type { DeployPipeline, Pushed, Report } from './pipeline';
import { loadProfile, type LoadedProfile } from './profileFile';
import { createProfile } from './wizard';

/** Runs `work` under a cancellable notification; `report` updates its message. */
function withProgress<T>(title: string, action: ActionContext, work: (report: Report, signal: AbortSignal) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
      withCancellation(token, action.signal, (signal) => work((message) => progress.report({ message }), signal)),
    ),
  );
}

/** An instance's own target: the profile's entry for it, else one deploying in the mode it already uses. */
function instanceTargetOf(instance: InstanceSummary, loaded: LoadedProfile | undefined): ProfileInstanceTarget {
  const known = loaded?.profile.targets.find((t): t is ProfileInstanceTarget => t.kind === 'instance' && t.project === instance.project && t.zone === instance.zone && t.name === instance.name);
  if (known) return known;
  const mode = instance.deployMode === 'none' ? 'cloud-init' : instance.deployMode;
  return { kind: 'instance', label: instance.name, project: instance.project, zone: instance.zone, name: instance.name, machineType: instance.machineType || 'e2-small', mode };
}

/** The target a deploy command acts on: the clicked node, a target passed in, or one picked from the profile. */
async function pickTarget(loaded: LoadedProfile, node: unknown): Promise<DeployTarget> {
  if (node instanceof InstanceNode) return instanceTargetOf(node.instance, loaded);
  if (node instanceof MigNode) {
    const mig = loaded.profile.targets.find((t) => t.kind === 'mig' && t.project === node.mig.project && t.location === node.mig.location && t.name === node.mig.name);
    if (!mig) throw new CosvmError('config/invalid', vscode.l10n.t('{0} is not a target in cosvm.yaml: add it under targets (mig: name, project, zone or region) to deploy to it.', node.mig.name));
    return mig;
  }
  if (typeof node === 'string') {
    const named = loaded.profile.targets.find((t) => t.label === node || t.name === node);
    if (named) return named;
  }
  const targets = loaded.profile.targets;
  if (targets.length === 0) throw new CosvmError('config/invalid', vscode.l10n.t('cosvm.yaml lists no targets.'));
  if (targets.length === 1 && targets[0]) return targets[0];
  const picked = await vscode.window.showQuickPick(
    targets.map((target) => ({
      label: target.label,
      description: target.kind === 'instance' ? `${target.project} · ${target.zone}` : `${target.project} · ${target.location}`,
      detail: target.kind === 'instance' ? vscode.l10n.t('instance {0} · {1}', target.name, target.mode) : vscode.l10n.t('MIG {0} of {1} · {2}', target.name, target.size, target.mode),
      target,
    })),
    { title: vscode.l10n.t('Deploy to…') },
  );
  if (!picked) throw new CancelledError();
  return picked.target;
}

function shortDigest(image: string): string {
  const at = image.indexOf('@sha256:');
  return at >= 0 ? `${image.slice(0, at).split('/').pop() ?? ''}@${image.slice(at + 8, at + 20)}` : image;
}

/** Says how the deploy ended; a VM that does not run the new image gets its logs one click away. */
async function announce(outcome: DeployOutcome): Promise<void> {
  const where = outcome.target.kind === 'instance' ? outcome.target.name : `${outcome.target.name} (${outcome.template ?? ''})`;
  if (outcome.verification.ok) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Deployed to {0}: {1}', where, outcome.verification.detail));
    return;
  }
  const followLogs = vscode.l10n.t('Follow Logs');
  const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Deployed to {0}, but: {1}', where, outcome.verification.detail), ...(outcome.instances[0] ? [followLogs] : []));
  if (choice === followLogs) await vscode.commands.executeCommand('cosvm.instance.followLogs', outcome.instances[0]);
}

export function registerDeployCommands(ctx: Ctx, pipeline: DeployPipeline, pickInstance: PickInstance, previews: RenderPreviews): void {
  let lastBuild: string | undefined;
  const needsBuild = (loaded: LoadedProfile) => {
    if (!loaded.profile.build) throw new CosvmError('config/invalid', vscode.l10n.t('cosvm.yaml has no build section: add build.image (and context) to build and push.'));
  };
  const buildAndPush = async (loaded: LoadedProfile, report: Report, signal: AbortSignal): Promise<{ pushed: Pushed; declaration: string }> => {
    needsBuild(loaded);
    lastBuild = await pipeline.build(loaded, report, signal);
    const pushed = await pipeline.push(lastBuild, report, signal);
    report(vscode.l10n.t('Writing {0} into {1}', shortDigest(pushed.pinned), path.basename(loaded.declarationUri.path)));
    return { pushed, declaration: await pipeline.pin(loaded, pushed) };
  };
  const deploy = async (target: DeployTarget, declaration: string, report: Report, signal: AbortSignal) => {
    const outcome = await pipeline.deploy(target, declaration, report, signal);
    await vscode.commands.executeCommand('cosvm.explorer.refresh');
    if (outcome.verification.ok) ctx.milestones.reach('deployed');
    void announce(outcome);
    return outcome;
  };

  registerCommands(ctx, {
    'cosvm.deploy.createProfile': { title: vscode.l10n.t('Create Deploy Profile'), requiresTrust: true, run: () => createProfile(ctx) },
    'cosvm.deploy.build': {
      title: vscode.l10n.t('Build'),
      requiresTrust: true,
      run: async (action) => {
        const loaded = await loadProfile();
        needsBuild(loaded);
        lastBuild = await withProgress(vscode.l10n.t('Building'), action, (report, signal) => pipeline.build(loaded, report, signal));
        void vscode.window.showInformationMessage(vscode.l10n.t('Built {0}', lastBuild));
        return lastBuild;
      },
    },
    'cosvm.deploy.push': {
      title: vscode.l10n.t('Push'),
      requiresTrust: true,
      run: async (action) => {
        const loaded = await loadProfile();
        if (!lastBuild) throw new CosvmError('input/invalid', vscode.l10n.t('Nothing built in this window yet: run "COS: Build" or "COS: Build and Push".'));
        const reference = lastBuild;
        const pushed = await withProgress(vscode.l10n.t('Pushing'), action, async (report, signal) => {
          const result = await pipeline.push(reference, report, signal);
          await pipeline.pin(loaded, result);
          return result;
        });
        void vscode.window.showInformationMessage(vscode.l10n.t('Pushed and pinned {0}', pushed.pinned));
        return pushed;
      },
    },
    'cosvm.deploy.buildAndPush': {
      title: vscode.l10n.t('Build and Push'),
      requiresTrust: true,
      run: async (action) => {
        const loaded = await loadProfile();
        const { pushed } = await withProgress(vscode.l10n.t('Build and Push'), action, (report, signal) => buildAndPush(loaded, report, signal));
        void vscode.window.showInformationMessage(vscode.l10n.t('Pushed and pinned {0}', pushed.pinned));
        return pushed;
      },
    },
    'cosvm.deploy.deploy': {
      title: vscode.l10n.t('Deploy'),
      requiresTrust: true,
      run: async (action, node?: unknown) => {
        const loaded = await loadProfile();
        const target = await pickTarget(loaded, node);
        const declaration = await pipeline.declarationText(loaded);
        return withProgress(vscode.l10n.t('Deploying to {0}', target.label), action, (report, signal) => deploy(target, declaration, report, signal));
      },
    },
    'cosvm.deploy.buildPushDeploy': {
      title: vscode.l10n.t('Build, Push and Deploy'),
      requiresTrust: true,
      run: async (action, node?: unknown) => {
        const loaded = await loadProfile();
        const target = await pickTarget(loaded, node);
        return withProgress(vscode.l10n.t('Build, push and deploy to {0}', target.label), action, async (report, signal) => {
          const { declaration } = await buildAndPush(loaded, report, signal);
          return deploy(target, declaration, report, signal);
        });
      },
    },
    'cosvm.deploy.rollback': {
      title: vscode.l10n.t('Roll Back'),
      requiresTrust: true,
      run: async (action, node?: unknown, entryArg?: unknown) => {
        const loaded = await loadProfile().catch(() => undefined);
        const target = node instanceof InstanceNode ? instanceTargetOf(node.instance, loaded) : loaded ? await pickTarget(loaded, node) : instanceTargetOf(await pickInstance(node), undefined);
        const current = await currentDeclaration(await ctx.gce(), target, action.signal);
        const entries = rollbackChoices(await pipeline.history().list(targetKey(target)), current);
        if (entries.length === 0) throw new CosvmError('input/invalid', vscode.l10n.t('{0} has no earlier deploy from this workspace to roll back to.', target.label));
        // `{ index }` (0 = the newest deploy other than what runs now) lets tests and other commands skip the pick.
        const index = typeof (entryArg as { index?: unknown } | undefined)?.index === 'number' ? (entryArg as { index: number }).index : undefined;
        const entry: HistoryEntry | undefined =
          index !== undefined
            ? entries[index]
            : (
                await vscode.window.showQuickPick(
                  entries.map((e) => ({
                    label: e.images.map(shortDigest).join(', '),
                    description: new Date(e.time).toLocaleString(),
                    detail: vscode.l10n.t('{0} · declaration {1}{2}', e.mode, e.declarationHash, e.verified ? '' : vscode.l10n.t(' · was not verified')),
                    entry: e,
                  })),
                  { title: vscode.l10n.t('Roll {0} back to…', target.label) },
                )
              )?.entry;
        if (!entry) throw new CancelledError();
        return withProgress(vscode.l10n.t('Rolling {0} back to {1}', target.label, entry.images.map(shortDigest).join(', ')), action, (report, signal) => deploy(target, entry.declaration, report, signal));
      },
    },
    'cosvm.deploy.runLocally': {
      title: vscode.l10n.t('Run Locally'),
      requiresTrust: true,
      run: async (action, uri?: unknown) => {
        const target = uri instanceof vscode.Uri ? uri : (vscode.window.activeTextEditor?.document.uri ?? (await loadProfile()).declarationUri);
        const document = await vscode.workspace.openTextDocument(target);
        const parsed = parseDeclaration(document.getText());
        const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) throw new CosvmError('declaration/invalid', vscode.l10n.t('The declaration has {0} error(s); fix them first (see the Problems panel).', errors.length));
        const run = await withProgress(vscode.l10n.t('Running {0} locally', path.basename(target.path)), action, async (report, signal) =>
          runDeclarationLocally(await ctx.docker(), parsed.declaration, { namePrefix: 'local-', signal, onOutput: (text) => report(text.trim()) }),
        );
        ctx.log.info(`Run Locally: ${run.containers.map((c) => `${c.name} (${c.id.slice(0, 12)})`).join(', ')}`);
        void vscode.window.showInformationMessage(vscode.l10n.t('Running locally: {0} (host network, as on the VM).', run.containers.map((c) => c.name).join(', ')));
        return run;
      },
    },
    'cosvm.deploy.migrate': {
      title: vscode.l10n.t('Migrate to cloud-init'),
      requiresTrust: true,
      run: async (action, node?: unknown, options?: unknown) => {
        const instance = await pickInstance(node);
        const clients = await ctx.gce();
        const [raw] = await clients.instances.get({ project: instance.project, zone: instance.zone, instance: instance.name });
        const plan = planMigration((raw.metadata?.items ?? []).map((i) => ({ key: i.key ?? '', value: i.value ?? '' })), instance.name);
        if ((options as { confirmed?: unknown } | undefined)?.confirmed !== true) {
          const before = previews.show(instance.name, 'metadata-before', 'yaml', metadataPreview(plan.before));
          const after = previews.show(instance.name, 'metadata-after', 'yaml', metadataPreview(plan.after));
          await vscode.commands.executeCommand('vscode.diff', before, after, vscode.l10n.t('{0}: metadata before ↔ after migration', instance.name));
          const migrate = vscode.l10n.t('Migrate and Reset');
          const answer = await vscode.window.showWarningMessage(
            vscode.l10n.t('Migrate {0} from konlet to cloud-init?', instance.name),
            { modal: true, detail: vscode.l10n.t('The metadata changes as the diff shows; every other key stays as it is. The VM then resets, so cloud-init starts the container.') },
            migrate,
          );
          if (answer !== migrate) throw new CancelledError();
        }
        await withProgress(vscode.l10n.t('Migrating {0} to cloud-init', instance.name), action, (report, signal) => {
          report(vscode.l10n.t('Updating the metadata, then resetting'));
          return migrateToCloudInit(clients, instance, signal);
        });
        ctx.log.info(`Migrated ${instance.project}/${instance.zone}/${instance.name} from konlet to cloud-init`);
        await vscode.commands.executeCommand('cosvm.explorer.refresh');
        void vscode.window.showInformationMessage(vscode.l10n.t('{0} now runs its container with cloud-init.', instance.name));
      },
    },
  });
}
