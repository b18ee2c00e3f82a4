/**
 * What the form shows for one text of a declaration: the typed declaration, its diagnostics placed on the
 * fields they concern, a syntax error that turns the form read-only, and the previews. No `vscode` import,
 * so the unit tier checks it in plain Node.
 */
import type { DeclarationDiagnostic, DeclarationMode, Position, Range } from '../core/declaration/model';
import { parseDeclaration } from '../core/declaration/parse';
import { renderDeclaration, type RenderTarget } from '../core/declaration/render';
import { validateParsed } from '../core/declaration/validate';
import type { FormDiagnostic, FormPath, HostToWebview } from './protocol';

export type FormDocument = Extract<HostToWebview, { type: 'document' }>;

/** `spec.containers[0].env[1].value` → `['spec', 'containers', 0, 'env', 1, 'value']`. */
export function formPathOf(location: string): FormPath {
  const path: FormPath = [];
  for (const match of location.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) path.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? ''));
  return path;
}

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
const contains = (outer: Range, inner: Range) => before(outer.start, inner.start) && before(inner.end, outer.end);
const size = (range: Range) => (range.end.line - range.start.line) * 10_000 + (range.end.character - range.start.character);

/** The field a diagnostic is about: the smallest node whose key or value holds its range. */
export function placeDiagnostics(locations: ReadonlyMap<string, { key?: Range; value: Range }>, diagnostics: readonly DeclarationDiagnostic[]): FormDiagnostic[] {
  return diagnostics.map((diagnostic) => {
    let best: { path: string; size: number } | undefined;
    for (const [path, location] of locations) {
      for (const range of [location.key, location.value]) {
        if (range && contains(range, diagnostic.range) && (!best || size(range) < best.size)) best = { path, size: size(range) };
      }
    }
    return { path: best ? formPathOf(best.path) : ['spec'], severity: diagnostic.severity, message: diagnostic.message, code: diagnostic.code };
  });
}

const previewTargets: Record<keyof FormDocument['previews'], RenderTarget> = { cloudInit: 'cloud-init', konlet: 'konlet', dockerRun: 'docker-run', kubernetes: 'kubernetes' };

export function formDocument(text: string, mode: DeclarationMode, version: number): FormDocument {
  const parsed = parseDeclaration(text);
  const diagnostics = validateParsed(parsed, { mode });
  const syntax = diagnostics.find((d) => d.code === 'cosvm/yaml-syntax');
  const previews: FormDocument['previews'] = {};
  // Renderers expect a declaration without errors; with errors the preview tab says why it is empty.
  if (!diagnostics.some((d) => d.severity === 'error')) {
    for (const [key, target] of Object.entries(previewTargets) as [keyof FormDocument['previews'], RenderTarget][]) previews[key] = renderDeclaration(parsed.declaration, target);
  }
  return {
    type: 'document',
    version,
    declaration: syntax ? undefined : parsed.declaration,
    mode,
    diagnostics: placeDiagnostics(parsed.locations, diagnostics),
    ...(syntax ? { syntaxError: { message: syntax.message, line: syntax.range.start.line + 1, column: syntax.range.start.character + 1 } } : {}),
    previews,
  };
}
