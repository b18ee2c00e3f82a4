import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { formEditToTextEdits } from '../core/declaration/formEdits';
import { describeErrorChain, userMessageOf } from '../core/errors';
import type { Ctx } from '../ctx';
import { declarationMode } from '../declaration/documents';
import { formDocument } from './formDocument';
import { isWebviewToHost, type FormPath, type HostToWebview, type WebviewToHost } from './protocol';
import { parseDeclaration } from '../core/declaration/parse';

export const formEditorViewType = 'cosvm.declarationForm';

/** One open form: its document and panel; `handle` is what a webview message (or a host test) goes through. */
interface OpenForm {
  document: vscode.TextDocument;
  handle(message: WebviewToHost): Promise<void>;
}

/**
 * The declaration form: a custom *text* editor, so the YAML stays the one truth. Every form change becomes a
 * minimal WorkspaceEdit of that text (undo and redo are the text's), and every text change re-renders the
 * form. The form never echoes an edit back, so there is no update loop.
 */
export class FormEditorProvider implements vscode.CustomTextEditorProvider {
  private readonly open = new Set<OpenForm>();

  constructor(private readonly ctx: Ctx) {}

  /** The forms open on `uri` (a host test drives them with the messages a webview would send). */
  formsFor(uri: vscode.Uri): OpenForm[] {
    return [...this.open].filter((form) => form.document.uri.toString() === uri.toString());
  }

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    const extensionUri = this.ctx.extension.extensionUri;
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')] };
    webview.html = this.html(webview, extensionUri);

    const post = () => {
      const message: HostToWebview = formDocument(document.getText(), declarationMode(document.getText(), this.ctx.config), document.version);
      void webview.postMessage(message);
    };
    /** Versions the form's own edits produced: the webview may not have seen them yet when it sends the next edit. */
    const ownVersions = new Set<number>();
    const handleNow = async (message: WebviewToHost) => {
      if (message.type === 'ready') post();
      else if (message.type === 'showSource') await this.showSource(document, message.path);
      else if (message.type === 'edit') {
        // An edit made on a text someone else changed since may point at a different node now: drop it and
        // show the current text. Changes made only by this form's own edits are fine (a quick second edit).
        for (let version = message.version + 1; version <= document.version; version++) {
          if (!ownVersions.has(version)) {
            post();
            return;
          }
        }
        if (message.version > document.version) return;
        if (await this.applyEdit(document, message.edit)) ownVersions.add(document.version);
      }
    };
    // One message at a time: an edit is checked against the text the previous one left.
    let queue = Promise.resolve();
    const form: OpenForm = {
      document,
      handle: (message) => {
        const next = queue.then(() => handleNow(message));
        queue = next.catch(() => undefined);
        return next;
      },
    };
    this.open.add(form);
    const subscriptions = [
      webview.onDidReceiveMessage((message: unknown) => {
        if (!isWebviewToHost(message)) {
          this.ctx.log.warn('Form editor: ignored a message that is not part of the protocol');
          return;
        }
        void form.handle(message).catch((error: unknown) => this.report(error));
      }),
      vscode.workspace.onDidChangeTextDocument((event) => event.document === document && event.contentChanges.length > 0 && post()),
      this.ctx.config.onDidChange((keys) => keys.has('declaration.defaultMode') && post()),
    ];
    panel.onDidDispose(() => {
      this.open.delete(form);
      for (const subscription of subscriptions) subscription.dispose();
    });
  }

  /** True when the text changed. */
  private async applyEdit(document: vscode.TextDocument, edit: Parameters<typeof formEditToTextEdits>[1]): Promise<boolean> {
    const edits = formEditToTextEdits(document.getText(), edit);
    if (edits.length === 0) return false;
    const workspaceEdit = new vscode.WorkspaceEdit();
    for (const change of edits) workspaceEdit.replace(document.uri, new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)), change.text);
    if (!(await vscode.workspace.applyEdit(workspaceEdit))) throw new Error(`The form could not change ${document.uri.fsPath}`);
    return true;
  }

  /** Opens the YAML beside the form, at the field when one is given. */
  private async showSource(document: vscode.TextDocument, path: FormPath | undefined): Promise<void> {
    let selection: vscode.Range | undefined;
    if (path) {
      const key = path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('').replace(/^\./, '');
      const location = parseDeclaration(document.getText()).locations.get(key);
      const range = location?.key ?? location?.value;
      if (range) selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
    }
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, ...(selection ? { selection } : {}) });
  }

  private report(error: unknown): void {
    const message = this.ctx.redactor.redact(userMessageOf(error));
    this.ctx.log.error(this.ctx.redactor.redact(`Form editor: ${describeErrorChain(error)}`));
    void vscode.window.showErrorMessage(vscode.l10n.t('The form could not make that change: {0}', message));
  }

  private html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'main.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'form.css'));
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `img-src ${webview.cspSource} data:`, `script-src 'nonce-${nonce}'`].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${vscode.l10n.t('Declaration form')}</title>
</head>
<body>
<main id="root"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }
}
