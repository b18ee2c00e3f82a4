/**
 * Entry of the form-editor webview bundle. It says `ready` first (vscode-extension-samples#620), checks every
 * host message with `isHostToWebview`, and keeps the view state (tab, closed sections, scroll) in `setState`.
 */
import { isHostToWebview, type WebviewToHost } from '../src/editor/protocol';
import { Form } from './form';
import { readViewState } from './state';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const state = readViewState(vscode.getState());
const saveState = () => vscode.setState(state);

const form = new Form({
  post: (edit, version) => vscode.postMessage({ type: 'edit', version, edit }),
  showSource: (path) => vscode.postMessage(path ? { type: 'showSource', path } : { type: 'showSource' }),
  state,
  saveState,
});
const root = document.getElementById('root') ?? document.body;
root.replaceChildren(form.el);

let restoredScroll = false;
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isHostToWebview(event.data)) return;
  form.update(event.data);
  if (!restoredScroll) {
    // The form has its height only once the first document is in.
    restoredScroll = true;
    window.scrollTo(0, state.scrollY);
  }
});

let scrollQueued = false;
window.addEventListener('scroll', () => {
  if (scrollQueued) return;
  scrollQueued = true;
  requestAnimationFrame(() => {
    scrollQueued = false;
    state.scrollY = window.scrollY;
    saveState();
  });
}, { passive: true });

vscode.postMessage({ type: 'ready' });
