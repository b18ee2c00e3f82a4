/**
 * Entry of the form-editor webview bundle. The form itself arrives with the form-editor issue; this entry
 * already follows the protocol: it says `ready`, then shows the document the host sends.
 */
import { isHostToWebview, type WebviewToHost } from '../src/editor/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root');

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isHostToWebview(event.data) || !root) return;
  root.textContent = `version ${event.data.version}, ${event.data.diagnostics.length} diagnostics`;
});

vscode.postMessage({ type: 'ready' });
