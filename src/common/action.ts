import * as vscode from 'vscode';
import { describeErrorChain, isCancelled, isCosvmError } from '../core/errors';
import type { Ctx } from '../ctx';

/** What every command and event handler receives (STYLE §5.6). */
export interface ActionContext {
  readonly id: string;
  readonly signal: AbortSignal;
}

export interface ActionOptions {
  /** Shown in "<title> failed; see the log" for errors without a user message. */
  title: string;
  /** Build, deploy and anything acting on a VM from workspace content need a trusted workspace. */
  requiresTrust?: boolean;
  /** Background work: log errors, show nothing. */
  suppressDisplay?: boolean;
}

export type ActionHandler = (action: ActionContext, ...args: unknown[]) => unknown;

/**
 * Runs a handler with one error policy: cancellation is silent; anything else is logged with its cause
 * chain (redacted) and shown once, with what a quiet setup re-check found, its fix and "Show Log".
 */
export async function runAction(ctx: Ctx, id: string, options: ActionOptions, handler: ActionHandler, args: unknown[]): Promise<unknown> {
  const started = Date.now();
  const controller = new AbortController();
  try {
    if (options.requiresTrust && !vscode.workspace.isTrusted) {
      showTrustRequired(options.title);
      return undefined;
    }
    const result = await handler({ id, signal: controller.signal }, ...args);
    ctx.log.debug(`${id} done in ${Date.now() - started} ms`);
    return result;
  } catch (error) {
    if (isCancelled(error)) {
      ctx.log.debug(`${id} cancelled after ${Date.now() - started} ms`);
      return undefined;
    }
    ctx.log.error(ctx.redactor.redact(`${id} failed after ${Date.now() - started} ms: ${describeErrorChain(error)}`));
    if (!options.suppressDisplay) void showFailure(ctx, error, options.title);
    return undefined;
  } finally {
    controller.abort();
  }
}

/** Restricted Mode: say why, and offer the one place where the user can change it. */
function showTrustRequired(title: string): void {
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window
    .showWarningMessage(vscode.l10n.t('{0} is disabled in Restricted Mode: it acts on your VMs with content from this folder. Trust the folder to use it.', title), manage)
    .then((choice) => choice === manage && vscode.commands.executeCommand('workbench.trust.manage'));
}

/**
 * One error message: the user message (redacted), then, when a setup check explains the failure, what that
 * check found and its fix; the technical detail is already in the log.
 */
async function showFailure(ctx: Ctx, error: unknown, title: string): Promise<void> {
  const message = isCosvmError(error) ? ctx.redactor.redact(error.userMessage) : vscode.l10n.t('{0} failed; see the log.', title);
  const advice = await ctx.failureAdvisor?.explain(error).catch((problem: unknown) => {
    ctx.log.warn(`The setup re-check after ${title} failed itself: ${describeErrorChain(problem)}`);
    return undefined;
  });
  const showLog = { title: vscode.l10n.t('Show Log'), run: () => ctx.log.show(true) };
  const actions = [...(advice?.actions ?? []), showLog];
  const text = advice ? `${message} ${ctx.redactor.redact(advice.message)}` : message;
  const choice = await vscode.window.showErrorMessage(text, ...actions.map((action) => action.title));
  await Promise.resolve(actions.find((action) => action.title === choice)?.run());
}

export type CommandTable = Record<string, ActionOptions & { run: ActionHandler }>;

/** Registers a feature's command table; every handler runs through `runAction`. */
export function registerCommands(ctx: Ctx, table: CommandTable): void {
  for (const [id, { run, ...options }] of Object.entries(table)) {
    ctx.own(vscode.commands.registerCommand(id, (...args: unknown[]) => runAction(ctx, id, options, run, args)));
  }
}
