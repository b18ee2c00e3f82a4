import * as vscode from 'vscode';
import type { InstanceSummary } from '../../core/gce/model';
import type { ExplorerNode } from './ExplorerNode';
import { InstanceNode } from './InstanceNode';

export class ZoneNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly project: string,
    readonly zone: string,
    private readonly instances: readonly InstanceSummary[],
  ) {
    this.id = `projects/${project}/zones/${zone}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.zone, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('globe');
    const running = this.instances.filter((i) => i.status === 'RUNNING').length;
    item.description = vscode.l10n.t('{0} instances, {1} running', this.instances.length, running);
    item.contextValue = 'zone';
    return item;
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([...this.instances].sort((a, b) => a.name.localeCompare(b.name)).map((i) => new InstanceNode(i)));
  }
}
