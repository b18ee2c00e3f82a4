import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { registerExplorerCommands } from './commands';
import { declarationDocuments, declarationScheme } from './declarationDocuments';
import { ExplorerProvider } from './ExplorerProvider';
import { ProjectSource } from './projects';
import { RefreshManager } from './RefreshManager';

/** The COS explorer view: projects → instances by zone, instance templates, MIGs and their members. */
export function register(ctx: Ctx): void {
  const projects = new ProjectSource(ctx.config);
  const provider = ctx.own(new ExplorerProvider(ctx, () => projects.projects()));
  const view = ctx.own(vscode.window.createTreeView('cosvm.views.explorer', { treeDataProvider: provider, showCollapseAll: true }));
  const refresh = ctx.own(new RefreshManager(view, (node, reload) => provider.refresh(node, reload)));
  ctx.own(vscode.workspace.registerTextDocumentContentProvider(declarationScheme, declarationDocuments(ctx)));
  ctx.own(ctx.config.onDidChange((keys) => (keys.has('projects') || keys.has('computeEndpoint')) && refresh.now()));
  registerExplorerCommands(ctx, provider, refresh, () => projects.projects());
  // Reading the gcloud config is a small file read; redraw once it is known.
  void projects.init().then(() => provider.refresh(undefined, false));
}
