import * as vscode from 'vscode';
import type { TemplateSummary } from '../../core/gce/model';
import type { ExplorerNode } from './ExplorerNode';
import { shortImage } from './InstanceNode';

export class TemplateNode implements ExplorerNode {
  readonly id: string;

  constructor(readonly template: TemplateSummary) {
    this.id = template.scope === 'global' ? `projects/${template.project}/global/instanceTemplates/${template.name}` : `projects/${template.project}/regions/${template.scope}/instanceTemplates/${template.name}`;
  }

  toTreeItem(): vscode.TreeItem {
    const t = this.template;
    const item = new vscode.TreeItem(t.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('file-code');
    item.description = [t.scope, t.deployMode !== 'none' ? t.deployMode : undefined, t.images[0] ? shortImage(t.images[0]) : undefined].filter(Boolean).join(' · ');
    item.contextValue = `template${t.declaration ? '.declared' : ''}`;
    return item;
  }

  tooltip(): vscode.MarkdownString {
    const t = this.template;
    return new vscode.MarkdownString(`**${t.name}** (${t.scope})\n\nMachine type \`${t.machineType}\` · ${t.deployMode}\n\n${t.images.map((i) => `\`${i}\``).join('<br>') || 'No container image'}`);
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
}
