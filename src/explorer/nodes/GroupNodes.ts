import * as vscode from 'vscode';
import type { ProjectInventory } from '../Inventory';
import type { ExplorerNode } from './ExplorerNode';
import { MessageNode } from './MessageNode';
import { MigNode } from './MigNode';
import { TemplateNode } from './TemplateNode';
import { ZoneNode } from './ZoneNode';

/** "Instances": zones as they stream in, then their instances. */
export class InstancesGroupNode implements ExplorerNode {
  readonly id: string;

  constructor(readonly inventory: ProjectInventory) {
    this.id = `projects/${inventory.project}/instances`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Instances'), vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('server');
    item.contextValue = 'instances';
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const { instances, complete } = await this.inventory.instancesSoFar();
    const byZone = new Map<string, typeof instances>();
    for (const instance of instances) {
      const list = byZone.get(instance.zone);
      if (list) list.push(instance);
      else byZone.set(instance.zone, [instance]);
    }
    const zones: ExplorerNode[] = [...byZone.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([zone, list]) => new ZoneNode(this.inventory, zone, list));
    if (!complete) zones.push(new MessageNode(`${this.id}/loading`, vscode.l10n.t('Loading more instances… ({0} so far)', instances.length), 'loading'));
    if (complete && zones.length === 0) zones.push(new MessageNode(`${this.id}/empty`, vscode.l10n.t('No instances in this project'), 'info'));
    return zones;
  }
}

export class TemplatesGroupNode implements ExplorerNode {
  readonly id: string;

  constructor(readonly inventory: ProjectInventory) {
    this.id = `projects/${inventory.project}/instanceTemplates`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Instance templates'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('files');
    item.contextValue = 'templates';
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const templates = await this.inventory.templatesList();
    if (templates.length === 0) return [new MessageNode(`${this.id}/empty`, vscode.l10n.t('No instance templates'), 'info')];
    return templates.map((t) => new TemplateNode(t));
  }
}

export class MigsGroupNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly inventory: ProjectInventory,
    private readonly clients: MigNode['clients'],
  ) {
    this.id = `projects/${inventory.project}/instanceGroupManagers`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Managed instance groups'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('layers');
    item.contextValue = 'migs';
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const migs = await this.inventory.migsList();
    if (migs.length === 0) return [new MessageNode(`${this.id}/empty`, vscode.l10n.t('No managed instance groups'), 'info')];
    return migs.map((m) => new MigNode(m, this.clients));
  }
}
