import * as vscode from 'vscode';
import type { ComputeClients } from '../../core/gce/computeClients';
import type { ManagedInstanceSummary, MigSummary } from '../../core/gce/model';
import { listManagedInstances } from '../../core/gce/resources';
import type { ExplorerNode } from './ExplorerNode';

export class MigNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly mig: MigSummary,
    readonly clients: () => Promise<ComputeClients>,
  ) {
    this.id = `projects/${mig.project}/${mig.location}/instanceGroupManagers/${mig.name}`;
  }

  toTreeItem(): vscode.TreeItem {
    const m = this.mig;
    const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(m.isStable ? 'layers' : 'sync~spin');
    const actions = Object.entries(m.currentActions).filter(([key]) => key !== 'none').map(([key, count]) => `${key} ${count}`);
    item.description = [m.location.replace(/^(zones|regions)\//, ''), vscode.l10n.t('size {0}', m.targetSize), ...actions].join(' · ');
    item.contextValue = `mig.${m.isStable ? 'stable' : 'updating'}`;
    return item;
  }

  tooltip(): vscode.MarkdownString {
    const m = this.mig;
    return new vscode.MarkdownString(`**${m.name}** (${m.location})\n\nTarget size ${m.targetSize}; templates: ${m.templates.map((t) => `\`${t}\``).join(', ')}\n\n${m.isStable ? 'Stable' : 'Updating'}`);
  }

  async getChildren(signal: AbortSignal): Promise<ExplorerNode[]> {
    const members = await listManagedInstances(await this.clients(), this.mig, signal);
    return members.map((member) => new MigMemberNode(this.mig, member));
  }
}

export class MigMemberNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly mig: MigSummary,
    readonly member: ManagedInstanceSummary,
  ) {
    this.id = `projects/${mig.project}/zones/${member.zone}/instances/${member.name}#member`;
  }

  toTreeItem(): vscode.TreeItem {
    const m = this.member;
    const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(m.currentAction === 'NONE' ? (m.status === 'RUNNING' ? 'vm-running' : 'vm') : 'sync~spin');
    item.description = [m.status.toLowerCase(), m.currentAction !== 'NONE' ? m.currentAction.toLowerCase() : undefined, m.version].filter(Boolean).join(' · ');
    item.contextValue = `migMember.${m.status.toLowerCase()}`;
    return item;
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
}
