/**
 * Messages between the extension host and the form-editor webview. Imports nothing, so both bundles use
 * it (STYLE §5.15). The webview speaks first (`ready`), so the host never posts into an empty page
 * (vscode-extension-samples#620).
 */

export type WebviewToHost = { type: 'ready' };

export type HostToWebview = { type: 'document'; text: string; version: number };

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'ready';
}

export function isHostToWebview(value: unknown): value is HostToWebview {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Partial<HostToWebview>;
  return message.type === 'document' && typeof message.text === 'string' && typeof message.version === 'number';
}
