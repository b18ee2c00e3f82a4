import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

/**
 * The Tunnels view. It lists open SSH port tunnels once the SSH issue adds them; until then the view's
 * welcome content explains how tunnels will be opened.
 */
class TunnelsProvider implements vscode.TreeDataProvider<vscode.TreeItem> {
  getTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    return item;
  }

  getChildren(): vscode.TreeItem[] {
    return [];
  }
}

export function register(ctx: Ctx): void {
  ctx.own(vscode.window.createTreeView('cosvm.views.tunnels', { treeDataProvider: new TunnelsProvider() }));
}
