/**
 * Paths and diagnostics placement, DOM-free so plain-Node unit tests can import it. A path is the same
 * `FormPath` the protocol uses (`['spec', 'containers', 0, 'image']`).
 */
import type { FormDiagnostic, FormPath } from '../src/editor/protocol';

/** A stable string key for a path (element identity and the anchor registry are keyed by it). */
export function pathKey(path: readonly (string | number)[]): string {
  return JSON.stringify(path);
}

export function isPrefix(prefix: readonly (string | number)[], path: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => part === path[i]);
}

/**
 * Places each diagnostic at the deepest anchor (a rendered field or section) whose path is a prefix of the
 * diagnostic's path, so a diagnostic on `env[1].value` sits by that value field, and one on a key the form
 * does not show (say `env[1].valueFrom`) falls back to the env row. Diagnostics no anchor covers go to `''`.
 */
export function placeDiagnostics(diagnostics: readonly FormDiagnostic[], anchors: Iterable<FormPath>): Map<string, FormDiagnostic[]> {
  const candidates = [...anchors];
  const placed = new Map<string, FormDiagnostic[]>();
  for (const diagnostic of diagnostics) {
    let best: FormPath | undefined;
    for (const anchor of candidates) {
      if (isPrefix(anchor, diagnostic.path) && (!best || anchor.length > best.length)) best = anchor;
    }
    const key = best ? pathKey(best) : '';
    const list = placed.get(key) ?? [];
    list.push(diagnostic);
    placed.set(key, list);
  }
  return placed;
}

const severityRank = { error: 0, warning: 1, info: 2 } as const;

/** Errors first, then warnings, then infos; stable within a severity. */
export function sortDiagnostics(diagnostics: readonly FormDiagnostic[]): FormDiagnostic[] {
  return [...diagnostics].sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
}

/** "2 errors, 1 warning" — or "No problems". */
export function summarize(diagnostics: readonly FormDiagnostic[]): string {
  const count = (severity: FormDiagnostic['severity']) => diagnostics.filter((d) => d.severity === severity).length;
  const parts: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (count('error')) parts.push(plural(count('error'), 'error'));
  if (count('warning')) parts.push(plural(count('warning'), 'warning'));
  if (count('info')) parts.push(plural(count('info'), 'info'));
  return parts.length ? parts.join(', ') : 'No problems';
}
