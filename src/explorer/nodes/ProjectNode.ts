import * as vscode from 'vscode';
import type { ProjectInventory } from '../Inventory';
import type { ExplorerNode } from './ExplorerNode';
import { InstancesGroupNode, MigsGroupNode, TemplatesGroupNode } from './GroupNodes';
import type { MigNode } from './MigNode';

/** A Google Cloud project from `cosvm.projects` (or the gcloud config). */
export class ProjectNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly inventory: ProjectInventory,
    private readonly clients: MigNode['clients'],
  ) {
    this.id = `projects/${inventory.project}`;
  }

  get projectId(): string {
    return this.inventory.project;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.projectId, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.contextValue = 'project';
    item.iconPath = new vscode.ThemeIcon('project');
    item.tooltip = vscode.l10n.t('Google Cloud project {0}', this.projectId);
    return item;
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([new InstancesGroupNode(this.inventory), new TemplatesGroupNode(this.inventory), new MigsGroupNode(this.inventory, this.clients)]);
  }
}
