import * as vscode from 'vscode';

export const renderScheme = 'cosvm-render';

/**
 * Read-only documents for render previews: `cosvm-render:/<name>.<target>.<ext>`. Unlike untitled
 * documents they are never dirty, and rendering the same file again updates the open preview.
 */
export class RenderPreviews implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  show(name: string, target: string, extension: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: renderScheme, path: `/${name}.${target}.${extension}` });
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
