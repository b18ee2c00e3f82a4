import * as vscode from 'vscode';
import type { InstanceSummary } from '../../core/gce/model';
import type { ProjectInventory } from '../Inventory';
import type { ExplorerNode } from './ExplorerNode';
import { InstanceNode } from './InstanceNode';

export class ZoneNode implements ExplorerNode {
  readonly id: string;

  /** `instances` is what the description counts; children are read from the inventory, so never stale. */
  constructor(
    private readonly inventory: ProjectInventory,
    readonly zone: string,
    private readonly instances: readonly InstanceSummary[],
  ) {
    this.id = `projects/${inventory.project}/zones/${zone}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.zone, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('globe');
    const running = this.instances.filter((i) => i.status === 'RUNNING').length;
    item.description =
      this.instances.length === 1 ? vscode.l10n.t('1 instance, {0} running', running) : vscode.l10n.t('{0} instances, {1} running', this.instances.length, running);
    item.contextValue = 'zone';
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const instances = await this.inventory.instancesIn(this.zone);
    return instances.sort((a, b) => a.name.localeCompare(b.name)).map((i) => new InstanceNode(i));
  }
}
