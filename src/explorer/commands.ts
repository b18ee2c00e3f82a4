import * as vscode from 'vscode';
import { registerCommands } from '../common/action';
import { withCancellation } from '../common/cancellation';
import { isProjectId } from '../config';
import { CancelledError, CosvmError } from '../core/errors';
import { instanceAction, type InstanceAction } from '../core/gce/resources';
import type { Ctx } from '../ctx';
import { declarationUri, type DeclarationDocuments } from './declarationDocuments';
import type { ExplorerProvider } from './ExplorerProvider';
import type { RefreshManager } from './RefreshManager';
import type { InstanceTarget } from './targetInstance';

const actionTitles = (): Record<InstanceAction, string> => ({
  start: vscode.l10n.t('Start Instance'),
  stop: vscode.l10n.t('Stop Instance'),
  reset: vscode.l10n.t('Reset Instance'),
  delete: vscode.l10n.t('Delete Instance'),
});

export function registerExplorerCommands(ctx: Ctx, provider: ExplorerProvider, refresh: RefreshManager, targetInstance: InstanceTarget, documents: DeclarationDocuments): void {
  const lifecycle = (action: InstanceAction) => ({
    title: actionTitles()[action],
    run: async (actionContext: { signal: AbortSignal }, node?: unknown, options?: unknown) => {
      const instance = await targetInstance(node);
      // Programmatic callers (other commands, tests) may confirm up front: `{ confirmed: true }`.
      const confirmed = (options as { confirmed?: unknown } | undefined)?.confirmed === true;
      if (action !== 'start' && !confirmed) {
        const consequences: Record<Exclude<InstanceAction, 'start'>, string> = {
          stop: vscode.l10n.t('Its containers stop and its external IP may change.'),
          reset: vscode.l10n.t('It reboots at once, like pressing the reset button: unsaved data in memory is lost.'),
          delete: instance.createdBy
            ? vscode.l10n.t('It belongs to a managed instance group, which will create a replacement.')
            : vscode.l10n.t('Disks marked auto-delete go with it. This cannot be undone.'),
        };
        const confirm = actionTitles()[action];
        const answer = await vscode.window.showWarningMessage(
          vscode.l10n.t('{0} "{1}" in {2}?', confirm, instance.name, instance.zone),
          { modal: true, detail: consequences[action] },
          confirm,
        );
        if (answer !== confirm) throw new CancelledError();
      }
      try {
        await vscode.window.withProgress(
          // Cancel stops the waiting; the operation itself goes on in Compute Engine.
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('{0}: {1}…', actionTitles()[action], instance.name), cancellable: true },
          (_progress, token) => withCancellation(token, actionContext.signal, async (signal) => instanceAction(await ctx.gce(), instance, action, signal)),
        );
        ctx.log.info(`${action} ${instance.project}/${instance.zone}/${instance.name}: done`);
      } finally {
        // Done, failed or no longer waited for: the instance changed either way; redraw its project's instances.
        refresh.soon(provider.node(`projects/${instance.project}/instances`));
      }
    },
  });

  registerCommands(ctx, {
    'cosvm.explorer.refresh': { title: vscode.l10n.t('Refresh'), run: () => refresh.now() },
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
        if (!isProjectId(id.trim())) throw new CosvmError('input/invalid', vscode.l10n.t('"{0}" is not a valid project ID.', id));
        await ctx.config.addProject(id.trim());
        ctx.log.info(`Added project ${id.trim()} to cosvm.projects`);
      },
    },
    'cosvm.explorer.signIn': {
      title: vscode.l10n.t('Sign In to Google Cloud'),
      run: () => {
        const terminal = vscode.window.createTerminal({ name: vscode.l10n.t('gcloud sign-in') });
        terminal.show();
        terminal.sendText('gcloud auth application-default login');
      },
    },
    'cosvm.instance.start': lifecycle('start'),
    'cosvm.instance.stop': lifecycle('stop'),
    'cosvm.instance.reset': lifecycle('reset'),
    'cosvm.instance.delete': lifecycle('delete'),
    'cosvm.instance.copyName': {
      title: vscode.l10n.t('Copy Name'),
      run: async (_action, node?: unknown) => vscode.env.clipboard.writeText((await targetInstance(node)).name),
    },
    'cosvm.instance.copyIp': {
      title: vscode.l10n.t('Copy External IP'),
      run: async (_action, node?: unknown) => {
        const instance = await targetInstance(node);
        if (!instance.natIP) throw new CosvmError('input/invalid', vscode.l10n.t('{0} has no external IP.', instance.name));
        await vscode.env.clipboard.writeText(instance.natIP);
      },
    },
    'cosvm.instance.openInConsole': {
      title: vscode.l10n.t('Open in Cloud Console'),
      run: async (_action, node?: unknown) => {
        const i = await targetInstance(node);
        await vscode.env.openExternal(vscode.Uri.parse(`https://console.cloud.google.com/compute/instancesDetail/zones/${i.zone}/instances/${i.name}?project=${i.project}`));
      },
    },
    'cosvm.instance.openDeclaration': {
      title: vscode.l10n.t('Open Declaration'),
      run: async (_action, node?: unknown) => {
        const i = await targetInstance(node);
        const uri = declarationUri(i.project, i.zone, i.name);
        // An already open copy may be stale: the instance may have been redeployed since.
        documents.reload(uri);
        const document = await vscode.workspace.openTextDocument(uri);
        await vscode.languages.setTextDocumentLanguage(document, 'yaml');
        await vscode.window.showTextDocument(document, { preview: true });
      },
    },
    'cosvm.instance.saveDeclaration': {
      title: vscode.l10n.t('Save Declaration to Workspace'),
      run: async (_action, node?: unknown) => {
        const i = await targetInstance(node);
        if (i.declaration === undefined) throw new CosvmError('input/invalid', vscode.l10n.t('{0} has no container declaration to save (deploy mode: {1}).', i.name, i.deployMode));
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const target = await vscode.window.showSaveDialog({
          ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `${i.name}.cosvm.yaml`) } : {}),
          filters: { [vscode.l10n.t('Container declaration')]: ['yaml'] },
        });
        if (!target) throw new CancelledError();
        await vscode.workspace.fs.writeFile(target, Buffer.from(i.declaration));
        await vscode.window.showTextDocument(target);
      },
    },
  });
}
