import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { registerExplorerCommands } from './commands';
import { ExplorerProvider } from './ExplorerProvider';

/** The COS explorer view: projects, and (from the Explorer issue) their instances, templates and MIGs. */
export function register(ctx: Ctx): void {
  const provider = ctx.own(new ExplorerProvider(ctx.config));
  ctx.own(vscode.window.createTreeView('cosvm.views.explorer', { treeDataProvider: provider, showCollapseAll: true }));
  ctx.own(ctx.config.onDidChange((keys) => keys.has('projects') && provider.refresh()));
  registerExplorerCommands(ctx, provider);
}
