import * as vscode from 'vscode';
import type { ExplorerNode } from './ExplorerNode';

/** A leaf that shows an error, an empty list or a hint inside the tree instead of a pop-up. */
export class MessageNode implements ExplorerNode {
  constructor(
    readonly id: string,
    private readonly label: string,
    private readonly icon: 'info' | 'error' | 'warning' | 'loading' | 'key' | 'pulse' = 'info',
    private readonly command?: vscode.Command,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = `message.${this.icon}`;
    item.iconPath = new vscode.ThemeIcon(this.icon === 'loading' ? 'loading~spin' : this.icon, this.icon === 'error' ? new vscode.ThemeColor('errorForeground') : undefined);
    if (this.command) item.command = this.command;
    return item;
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
}
