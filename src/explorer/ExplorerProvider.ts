import * as vscode from 'vscode';
import { isCancelled, isCosvmError, userMessageOf } from '../core/errors';
import type { Ctx } from '../ctx';
import { ProjectInventory } from './Inventory';
import type { ExplorerNode } from './nodes/ExplorerNode';
import { MessageNode } from './nodes/MessageNode';
import { ProjectNode } from './nodes/ProjectNode';

/** Maps explorer nodes to TreeItems; failures become nodes in the tree, never pop-ups (STYLE §5.12). */
export class ExplorerProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly controller = new AbortController();
  private readonly inventories = new Map<string, ProjectInventory>();
  private readonly nodes = new Map<string, ExplorerNode>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly projects: () => string[],
  ) {}

  inventory(project: string): ProjectInventory {
    let inventory = this.inventories.get(project);
    if (!inventory) {
      inventory = new ProjectInventory(project, () => this.ctx.gce());
      const created = inventory;
      // Instances stream in page by page: redraw the Instances group as they do.
      this.disposables.push(created.onDidChange(() => this.changed.fire(this.nodes.get(`projects/${project}/instances`))));
      this.inventories.set(project, inventory);
    }
    return inventory;
  }

  /** Refreshes one node, or the whole tree (and its data) when none is given. */
  refresh(node?: ExplorerNode, reload = true): void {
    if (reload) {
      if (!node) for (const inventory of this.inventories.values()) inventory.reset();
      else {
        const project = /^projects\/([^/]+)/.exec(node.id)?.[1];
        if (project) this.inventories.get(project)?.reset();
      }
    }
    this.changed.fire(node);
  }

  /** What the minute poll does: list each project's instances again, nothing else. */
  refreshInstances(): void {
    for (const [project, inventory] of this.inventories) {
      inventory.reset('instances');
      this.changed.fire(this.nodes.get(`projects/${project}/instances`));
    }
  }

  node(id: string): ExplorerNode | undefined {
    return this.nodes.get(id);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode): vscode.TreeItem {
    item.tooltip = node.tooltip?.() ?? item.tooltip;
    return item;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    // An empty root shows the view's welcome content, which offers to add a project.
    const children = node ? await this.childrenOf(node) : this.projects().map((project) => new ProjectNode(this.inventory(project), () => this.ctx.gce()));
    for (const child of children) this.nodes.set(child.id, child);
    return children;
  }

  private async childrenOf(node: ExplorerNode): Promise<ExplorerNode[]> {
    try {
      const children = await node.getChildren(this.controller.signal);
      // A project's instances listed: the walkthrough's sign-in step is done.
      if (node.id.endsWith('/instances')) this.ctx.milestones.reach('signedIn');
      return children;
    } catch (error) {
      // A refresh replaced this listing; the new one is on its way.
      if (isCancelled(error)) return [];
      this.ctx.log.warn(this.ctx.redactor.redact(`Explorer: ${node.id}: ${userMessageOf(error)}`));
      if (isCosvmError(error) && error.code === 'gce/no-credentials') {
        return [
          new MessageNode(`${node.id}/no-credentials`, vscode.l10n.t('No Google Cloud credentials. Click to sign in with gcloud.'), 'key', {
            command: 'cosvm.explorer.signIn',
            title: vscode.l10n.t('Sign In'),
          }),
        ];
      }
      const message = this.ctx.redactor.redact(userMessageOf(error));
      return [
        new MessageNode(`${node.id}/error`, message, 'error', { command: 'cosvm.log.show', title: vscode.l10n.t('Show Log') }),
        new MessageNode(`${node.id}/diagnose`, vscode.l10n.t('Diagnose Setup…'), 'pulse', { command: 'cosvm.setup.diagnose', title: vscode.l10n.t('Diagnose Setup') }),
      ];
    }
  }

  dispose(): void {
    this.controller.abort();
    for (const inventory of this.inventories.values()) inventory.dispose();
    for (const disposable of this.disposables) disposable.dispose();
    this.changed.dispose();
  }
}
