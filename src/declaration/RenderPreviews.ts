import * as vscode from 'vscode';

export const renderScheme = 'cosvm-render';

/**
 * Read-only documents for previews: `<scheme>:/<name>.<target>.<ext>` (render previews, the migration's
 * before/after). Unlike untitled documents they are never dirty, and showing the same name again updates
 * the open preview.
 */
export class RenderPreviews implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(readonly scheme = renderScheme) {}

  show(name: string, target: string, extension: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${name}.${target}.${extension}` });
    this.contents.set(uri.toString(), content);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
    this.contents.clear();
  }
}
