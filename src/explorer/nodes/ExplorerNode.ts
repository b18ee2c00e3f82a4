import type * as vscode from 'vscode';

/** A node of the COS explorer: builds its own TreeItem and lists its children. */
export interface ExplorerNode {
  /** Stable id built from the resource path (`projects/P/zones/Z/instances/N`), never from values that tick. */
  readonly id: string;
  toTreeItem(): vscode.TreeItem;
  getChildren(signal: AbortSignal): Promise<ExplorerNode[]>;
  /** Tooltip, computed on hover (resolveTreeItem). */
  tooltip?(): vscode.MarkdownString | undefined;
}
