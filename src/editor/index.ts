import * as vscode from 'vscode';
import { registerCommands } from '../common/action';
import type { Ctx } from '../ctx';
import { FormEditorProvider, formEditorViewType } from './FormEditorProvider';
import { isWebviewToHost } from './protocol';

/** What the form editor offers other code: sending a form the messages its webview would send (host tests). */
export interface FormEditorApi {
  /** Delivers `message` to every form open on `uri`, as its webview would; false when none is open or it is not a protocol message. */
  send(uri: vscode.Uri, message: unknown): Promise<boolean>;
}

function targetUri(uri: unknown): vscode.Uri | undefined {
  return uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
}

function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
}

/** The declaration form editor: a second view of `*.cosvm.yaml` files, opened with "Open With…" or the title bar. */
export function register(ctx: Ctx): FormEditorApi {
  const provider = new FormEditorProvider(ctx);
  ctx.own(vscode.window.registerCustomEditorProvider(formEditorViewType, provider, { supportsMultipleEditorsPerDocument: true }));
  registerCommands(ctx, {
    'cosvm.declaration.openForm': {
      title: vscode.l10n.t('Open Declaration Form'),
      run: async (_action, uri?: unknown) => {
        const target = targetUri(uri);
        if (target) await vscode.commands.executeCommand('vscode.openWith', target, formEditorViewType);
      },
    },
    'cosvm.declaration.openYaml': {
      title: vscode.l10n.t('Open Declaration as YAML'),
      run: async (_action, uri?: unknown) => {
        const target = targetUri(uri);
        if (target) await vscode.commands.executeCommand('vscode.openWith', target, 'default');
      },
    },
  });
  return {
    async send(uri, message) {
      const forms = provider.formsFor(uri);
      if (forms.length === 0 || !isWebviewToHost(message)) return false;
      for (const form of forms) await form.handle(message);
      return true;
    },
  };
}
