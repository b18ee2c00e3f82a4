import * as vscode from 'vscode';
import type { Config } from '../config';
import type { ExplorerNode } from './nodes/ExplorerNode';
import { MessageNode } from './nodes/MessageNode';
import { ProjectNode } from './nodes/ProjectNode';

/** Maps explorer nodes to TreeItems; failures become nodes, never pop-ups (STYLE §5.12). */
export class ExplorerProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly controller = new AbortController();

  constructor(private readonly config: Config) {}

  /** Refreshes one node, or the whole tree when none is given. */
  refresh(node?: ExplorerNode): void {
    this.changed.fire(node);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    // An empty root shows the view's welcome content, which offers to add a project.
    if (!node) return this.config.projects.map((projectId) => new ProjectNode(projectId));
    try {
      return await node.getChildren(this.controller.signal);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return [new MessageNode(`${node.id}/error`, message, 'error')];
    }
  }

  dispose(): void {
    this.controller.abort();
    this.changed.dispose();
  }
}
