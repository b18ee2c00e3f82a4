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

  constructor(private readonly state: vscode.Memento) {
    this.reached = new Set(state.get<Milestone[]>(storageKey, []));
    for (const milestone of this.reached) void this.setContext(milestone);
  }

  has(milestone: Milestone): boolean {
    return this.reached.has(milestone);
  }

  reach(milestone: Milestone): void {
    if (this.reached.has(milestone)) return;
    this.reached.add(milestone);
    void this.state.update(storageKey, [...this.reached]);
    void this.setContext(milestone);
  }

  private setContext(milestone: Milestone): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', `cosvm.walkthrough.${milestone}`, true);
  }
}
