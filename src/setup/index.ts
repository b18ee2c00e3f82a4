import * as vscode from 'vscode';
import { registerCommands } from '../common/action';
import { checkForFailure, type SetupCheckId, type SetupCheckResult } from '../core/setup/checks';
import type { ErrorSubject } from '../core/errors';
import type { InstanceRef } from '../core/gce/model';
import type { Ctx, FailureAdvice, FailureAdvisor } from '../ctx';
import type { DeployPipeline } from '../deploy/pipeline';
import { findProfile } from '../deploy/profileFile';
import type { Explorer } from '../explorer';
import type { SshConnections } from '../ssh';
import { runSetupFix, showDiagnosis } from './diagnose';
import { checkTitle, SetupChecks } from './SetupChecks';

/** The setup checks without their UI: for the host tests, and for other extensions. */
export interface SetupApi {
  check(id: SetupCheckId, subject?: ErrorSubject): Promise<SetupCheckResult>;
  /** What a failed command's message adds: the quiet re-check's sentence and its buttons' titles. */
  explain(error: unknown): Promise<{ message: string; actions: string[] } | undefined>;
}

/** Diagnose Setup, the quiet re-check that explains a failed command, and the walkthrough's profile step. */
export function register(ctx: Ctx, explorer: Explorer, connections: SshConnections, pipeline: DeployPipeline): SetupApi {
  const checks = new SetupChecks(ctx, explorer, connections, pipeline);

  registerCommands(ctx, {
    'cosvm.setup.diagnose': {
      title: vscode.l10n.t('Diagnose Setup'),
      // The instance SSH is checked on: the clicked one, one picked ("Choose an Instance"), else the last connected.
      run: async (_action, target?: unknown) => {
        const instance: InstanceRef | undefined =
          target === undefined || target === null ? checks.defaultInstance() : await explorer.targetInstance(isChooser(target) ? undefined : target);
        return showDiagnosis(checks, instance);
      },
    },
    'cosvm.setup.openWalkthrough': {
      title: vscode.l10n.t('Get Started'),
      run: () => ctx.milestones.openWalkthrough(() => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${ctx.extension.extension.id}#gettingStarted`, false)),
    },
  });

  const failureAdvisor: FailureAdvisor = {
    async explain(error): Promise<FailureAdvice | undefined> {
      const cause = checkForFailure(error);
      if (!cause) return undefined;
      const running = checks.run(cause.id, { subject: cause.subject, quiet: true });
      vscode.window.setStatusBarMessage(vscode.l10n.t('$(loading~spin) Checking what went wrong…'), running);
      const result = await running;
      if (result.status !== 'failed') return undefined;
      const instance = cause.subject.instance && cause.subject.zone && cause.subject.project ? { project: cause.subject.project, zone: cause.subject.zone, name: cause.subject.instance } : undefined;
      const fix = result.fix;
      return {
        message: vscode.l10n.t('Setup check "{0}" failed: {1} {2}', checkTitle(cause.id), result.summary, fix ? '' : (result.instruction ?? '')).trim(),
        actions: [
          ...(fix ? [{ title: fix.title, run: () => runSetupFix(fix) }] : []),
          { title: vscode.l10n.t('Diagnose Setup'), run: () => vscode.commands.executeCommand('cosvm.setup.diagnose', instance) },
        ],
      };
    },
  };
  ctx.failureAdvisor = failureAdvisor;

  // The walkthrough's "create the deploy profile" step.
  void findProfile().then((uri) => uri && ctx.milestones.reach('profileCreated'));
  const watcher = ctx.own(vscode.workspace.createFileSystemWatcher('**/cosvm.yaml', false, true, true));
  ctx.own(watcher.onDidCreate(() => ctx.milestones.reach('profileCreated')));

  return {
    check: (id, subject) => checks.run(id, subject ? { subject } : {}),
    explain: async (error) => {
      const advice = await failureAdvisor.explain(error);
      return advice && { message: advice.message, actions: advice.actions.map((action) => action.title) };
    },
  };
}

/** `{ chooseInstance: true }`: the argument of the SSH check's "Choose an Instance" fix. */
function isChooser(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { chooseInstance?: unknown }).chooseInstance === true;
}
