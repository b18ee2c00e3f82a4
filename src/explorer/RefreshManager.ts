import * as vscode from 'vscode';
import type { ExplorerNode } from './nodes/ExplorerNode';

const debounceMs = 500;
const pollMs = 60_000;

/**
 * When the explorer redraws (STYLE §5.13): a manual refresh at once; automatic ones debounced per node
 * and only while the view is visible, polling at most once a minute. Nothing polls a hidden view
 * (vscode-docker#959).
 */
export class RefreshManager implements vscode.Disposable {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private poller: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly view: vscode.TreeView<ExplorerNode>,
    private readonly refreshNode: (node: ExplorerNode | undefined, reload: boolean) => void,
    /** The poll: instances change by themselves (MIGs, other people); templates and MIG lists rarely do. */
    private readonly poll: () => void,
  ) {
    this.disposables.push(view.onDidChangeVisibility(({ visible }) => this.setPolling(visible)));
    this.setPolling(view.visible);
  }

  /** A user asked: now. */
  now(node?: ExplorerNode): void {
    this.refreshNode(node, true);
  }

  /**
   * After an operation or an event: soon, merged with others for the same node. A hidden view only
   * drops its stale data here; it lists again when someone looks.
   */
  soon(node?: ExplorerNode): void {
    const key = node?.id ?? '';
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        this.refreshNode(node, true);
      }, debounceMs),
    );
  }

  private setPolling(visible: boolean): void {
    clearInterval(this.poller);
    this.poller = visible ? setInterval(() => this.view.visible && this.poll(), pollMs) : undefined;
  }

  dispose(): void {
    clearInterval(this.poller);
    for (const timer of this.pending.values()) clearTimeout(timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
