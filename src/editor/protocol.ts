/**
 * Messages between the extension host and the form-editor webview. Imports nothing at run time, so both
 * bundles use it (STYLE §5.15). The webview speaks first (`ready`), so the host never posts into an empty
 * page (vscode-extension-samples#620). Every message from the webview is checked with `isWebviewToHost`
 * before the host acts on it.
 */

export type { FormEdit, FormPath, FormValue } from '../core/declaration/formEdit';
import type { FormEdit, FormPath, FormValue } from '../core/declaration/formEdit';

/** A diagnostic the form shows next to the field it concerns (`path` as in FormEdit). */
export interface FormDiagnostic {
  path: FormPath;
  severity: 'error' | 'warning' | 'info';
  message: string;
  code: string;
}

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'edit'; version: number; edit: FormEdit }
  | { type: 'showSource'; path?: FormPath };

export type HostToWebview =
  | {
      type: 'document';
      version: number;
      /** The declaration as konlet reads it (`undefined` fields absent), or undefined when the YAML is broken. */
      declaration: unknown;
      mode: 'konlet' | 'cloud-init';
      diagnostics: FormDiagnostic[];
      /** Set when the YAML cannot be parsed: the form turns read-only and says where. */
      syntaxError?: { message: string; line: number; column: number };
      /** What deploy would write, for the preview tab. */
      previews: { cloudInit?: string; konlet?: string; dockerRun?: string; kubernetes?: string };
    };

function isPath(value: unknown): value is FormPath {
  return Array.isArray(value) && value.length > 0 && value.length <= 16 && value.every((part) => (typeof part === 'string' && part.length <= 256) || (Number.isInteger(part) && (part as number) >= 0));
}

function isValue(value: unknown, depth = 0): value is FormValue {
  if (depth > 8) return false;
  if (value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return true;
  if (typeof value === 'string') return value.length <= 65_536;
  if (Array.isArray(value)) return value.length <= 1_000 && value.every((item) => isValue(item, depth + 1));
  if (typeof value === 'object') return Object.entries(value).length <= 100 && Object.values(value).every((item) => isValue(item, depth + 1));
  return false;
}

function isEdit(value: unknown): value is FormEdit {
  if (typeof value !== 'object' || value === null) return false;
  const edit = value as { kind?: unknown; path?: unknown; value?: unknown; index?: unknown };
  if (!isPath(edit.path)) return false;
  if (edit.kind === 'remove') return true;
  if (edit.kind === 'set') return edit.value === null || ['string', 'number', 'boolean'].includes(typeof edit.value) && isValue(edit.value);
  if (edit.kind === 'insert') return (edit.index === undefined || (Number.isInteger(edit.index) && (edit.index as number) >= 0)) && isValue(edit.value);
  return false;
}

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; version?: unknown; edit?: unknown; path?: unknown };
  if (message.type === 'ready') return true;
  if (message.type === 'edit') return typeof message.version === 'number' && isEdit(message.edit);
  if (message.type === 'showSource') return message.path === undefined || isPath(message.path);
  return false;
}

export function isHostToWebview(value: unknown): value is HostToWebview {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; version?: unknown; diagnostics?: unknown };
  return message.type === 'document' && typeof message.version === 'number' && Array.isArray(message.diagnostics);
}
