import * as vscode from 'vscode';
import type { InstanceSummary } from '../../core/gce/model';
import type { ExplorerNode } from './ExplorerNode';

const statusIcons: Record<string, [string, string | undefined]> = {
  RUNNING: ['vm-running', 'testing.iconPassed'],
  STOPPED: ['vm', undefined],
  TERMINATED: ['vm', undefined],
  SUSPENDED: ['debug-pause', undefined],
};

/** `repo@sha256:0123abcd…` reads better than 64 hex digits in a tree. */
export function shortImage(image: string): string {
  const at = image.indexOf('@sha256:');
  const name = (at >= 0 ? image.slice(0, at) : image).split('/').pop() ?? image;
  return at >= 0 ? `${name}@${image.slice(at + 8, at + 20)}` : name;
}

export class InstanceNode implements ExplorerNode {
  readonly id: string;

  constructor(readonly instance: InstanceSummary) {
    this.id = `projects/${instance.project}/zones/${instance.zone}/instances/${instance.name}`;
  }

  toTreeItem(): vscode.TreeItem {
    const { instance } = this;
    const item = new vscode.TreeItem(instance.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const [icon, color] = statusIcons[instance.status] ?? ['loading~spin', undefined];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const parts = [instance.status.toLowerCase()];
    if (instance.deployMode !== 'none') parts.push(instance.deployMode);
    if (instance.images[0]) parts.push(shortImage(instance.images[0]));
    if (instance.natIP) parts.push(instance.natIP);
    item.description = parts.join(' · ');
    item.contextValue = `instance.${instance.status.toLowerCase()}${instance.declaration ? '.declared' : ''}${instance.deployMode === 'konlet' ? '.konlet' : ''}`;
    item.accessibilityInformation = { label: `${instance.name}, ${parts.join(', ')}` };
    return item;
  }

  tooltip(): vscode.MarkdownString {
    const { instance } = this;
    const rows = [
      [vscode.l10n.t('Status'), instance.status],
      [vscode.l10n.t('Zone'), instance.zone],
      [vscode.l10n.t('Machine type'), instance.machineType],
      [vscode.l10n.t('Deploy mode'), instance.deployMode],
      [vscode.l10n.t('Images'), instance.images.join(', ') || '—'],
      [vscode.l10n.t('External IP'), instance.natIP ?? '—'],
      [vscode.l10n.t('Internal IP'), instance.internalIP ?? '—'],
      [vscode.l10n.t('Labels'), Object.entries(instance.labels).map(([k, v]) => `${k}=${v}`).join(', ') || '—'],
      [vscode.l10n.t('Created'), instance.creationTimestamp ?? '—'],
    ];
    const markdown = new vscode.MarkdownString(`**${instance.name}**\n\n| | |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | \`${v}\` |`).join('\n')}`);
    markdown.supportThemeIcons = true;
    return markdown;
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
}
