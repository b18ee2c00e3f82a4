import * as vscode from 'vscode';
import type { ExplorerNode } from './ExplorerNode';

/** A Google Cloud project from `cosvm.projects`. */
export class ProjectNode implements ExplorerNode {
  readonly id: string;

  constructor(readonly projectId: string) {
    this.id = `projects/${projectId}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.projectId, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = 'project';
    item.iconPath = new vscode.ThemeIcon('project');
    item.tooltip = vscode.l10n.t('Google Cloud project {0}', this.projectId);
    return item;
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
}
