import * as vscode from 'vscode';
import { registerCommands } from '../common/action';
import { isProjectId } from '../config';
import { CancelledError, CosvmError } from '../core/errors';
import type { Ctx } from '../ctx';
import type { ExplorerProvider } from './ExplorerProvider';

export function registerExplorerCommands(ctx: Ctx, provider: ExplorerProvider): void {
  registerCommands(ctx, {
    'cosvm.explorer.refresh': {
      title: vscode.l10n.t('Refresh'),
      run: () => provider.refresh(),
    },
    'cosvm.explorer.addProject': {
      title: vscode.l10n.t('Add Project'),
      run: async (_action, projectId?: unknown) => {
        const id =
          typeof projectId === 'string'
            ? projectId
            : await vscode.window.showInputBox({
                title: vscode.l10n.t('Add a Google Cloud project'),
                prompt: vscode.l10n.t('Project ID, e.g. my-project-123456'),
                ignoreFocusOut: true,
                validateInput: (value) => (isProjectId(value.trim()) ? undefined : vscode.l10n.t('A project ID has 6–30 lower-case letters, digits or hyphens, and starts with a letter.')),
              });
        if (id === undefined) throw new CancelledError();
        if (!isProjectId(id.trim())) {
          throw new CosvmError('input/invalid', vscode.l10n.t('"{0}" is not a valid project ID.', id));
        }
        await ctx.config.addProject(id.trim());
        ctx.log.info(`Added project ${id.trim()} to cosvm.projects`);
      },
    },
  });
}
