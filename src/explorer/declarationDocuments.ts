import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { getInstance } from '../core/gce/resources';

export const declarationScheme = 'cosvm-instance';

/** `cosvm-instance:/PROJECT/ZONE/NAME.cosvm.yaml`: an instance's declaration, read-only, validated like any other. */
export function declarationUri(project: string, zone: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: declarationScheme, path: `/${project}/${zone}/${name}.cosvm.yaml` });
}

/** Serves instance declarations; `reload` makes an open document fetch again (it may have been redeployed). */
export interface DeclarationDocuments extends vscode.TextDocumentContentProvider, vscode.Disposable {
  reload(uri: vscode.Uri): void;
}

export function declarationDocuments(ctx: Ctx): DeclarationDocuments {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  return {
    onDidChange: changed.event,
    reload: (uri) => changed.fire(uri),
    dispose: () => changed.dispose(),
    async provideTextDocumentContent(uri, token) {
      const [, project, zone, file] = uri.path.split('/');
      if (!project || !zone || !file) return '';
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      const instance = await getInstance(await ctx.gce(), { project, zone, name: file.replace(/\.cosvm\.yaml$/, '') }, controller.signal);
      return instance.declaration ?? vscode.l10n.t('# {0} has no container declaration (deploy mode: {1}).\n', instance.name, instance.deployMode);
    },
  };
}
