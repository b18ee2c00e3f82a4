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
 * chain (redacted) and shown once with a "Show Log" button.
 */
export async function runAction(ctx: Ctx, id: string, options: ActionOptions, handler: ActionHandler, args: unknown[]): Promise<unknown> {
  const started = Date.now();
  const controller = new AbortController();
  try {
    if (options.requiresTrust && !vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('{0} needs a trusted workspace: it acts on your VMs with content from this folder.', options.title),
      );
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
    if (!options.suppressDisplay) {
      const message = isCosvmError(error) ? ctx.redactor.redact(error.userMessage) : vscode.l10n.t('{0} failed; see the log.', options.title);
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window.showErrorMessage(message, showLog).then((choice) => {
        if (choice === showLog) ctx.log.show(true);
      });
    }
    return undefined;
  } finally {
    controller.abort();
  }
}

export type CommandTable = Record<string, ActionOptions & { run: ActionHandler }>;

/** Registers a feature's command table; every handler runs through `runAction`. */
export function registerCommands(ctx: Ctx, table: CommandTable): void {
  for (const [id, { run, ...options }] of Object.entries(table)) {
    ctx.own(vscode.commands.registerCommand(id, (...args: unknown[]) => runAction(ctx, id, options, run, args)));
  }
}
