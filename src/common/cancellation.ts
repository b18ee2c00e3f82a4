import type * as vscode from 'vscode';

/** Runs `work` with one AbortSignal fed by a progress token and the action's own signal; no listener outlives it. */
export async function withCancellation<T>(token: vscode.CancellationToken, actionSignal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const listener = token.onCancellationRequested(() => controller.abort());
  try {
    return await work(AbortSignal.any([controller.signal, actionSignal]));
  } finally {
    listener.dispose();
  }
}
