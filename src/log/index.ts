import * as vscode from 'vscode';
import { registerCommands } from '../common/action';
import type { Ctx } from '../ctx';

/** Commands about the extension's own log channel. */
export function register(ctx: Ctx): void {
  registerCommands(ctx, {
    'cosvm.log.show': {
      title: vscode.l10n.t('Show Log'),
      run: () => ctx.log.show(true),
    },
  });
}
