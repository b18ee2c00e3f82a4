import * as vscode from 'vscode';

/** The walkthrough's steps that check themselves off (package.json `walkthroughs`, `onContext:cosvm.walkthrough.*`). */
export type Milestone = 'signedIn' | 'declarationOpened' | 'profileCreated' | 'deployed' | 'tunnelOpened' | 'logsFollowed';

const storageKey = 'cosvm.walkthrough.reached';

/**
 * What the user has done once, as context keys for the getting-started walkthrough. Kept in global state, so
 * a step stays checked in every window and after a restart.
 */
export class Milestones {
  private readonly reached: Set<Milestone>;

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.reached = new Set(state.get<Milestone[]>(storageKey, []));
    for (const milestone of this.reached) void this.setContext(milestone);
  }

  has(milestone: Milestone): boolean {
    return this.reached.has(milestone);
  }

  reach(milestone: Milestone): void {
    if (this.reached.has(milestone)) return;
    this.reached.add(milestone);
    this.log.info(`Walkthrough: "${milestone}" done`);
    void this.state.update(storageKey, [...this.reached]);
    void this.setContext(milestone);
  }

  /**
   * Opens the walkthrough so that what was done before shows checked. VS Code creates its walkthrough service
   * lazily, and a step whose context key is already true when the service starts is never checked (the
   * event counts as seen, the step stays open): so the keys go false while it opens, and true again after.
   */
  async openWalkthrough(open: () => Thenable<unknown>): Promise<void> {
    await Promise.all([...this.reached].map((milestone) => this.setContext(milestone, false)));
    try {
      await open();
    } finally {
      await Promise.all([...this.reached].map((milestone) => this.setContext(milestone)));
    }
  }

  private setContext(milestone: Milestone, value = true): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', `cosvm.walkthrough.${milestone}`, value);
  }
}
