/**
 * Which field the cursor is on, for completion and hovers. It reads indentation line by line instead of
 * the YAML tree, because the text is usually half-typed (and so invalid) exactly when completion runs.
 */
import { rootFields, type FieldSpec, type FieldTable, type FieldType } from './fields';
import type { Position } from './model';

const keyLine = /^(\s*)(- +)?([A-Za-z_][\w-]*)\s*:(?:\s+(.*?))?\s*$/;

function childTable(type: FieldType): FieldTable | undefined {
  if (type.kind === 'object') return type.fields;
  if (type.kind === 'list') return type.item;
  return undefined;
}

/** The field table that applies to a key written at `column` on `line`. */
function tableAt(lines: readonly string[], line: number, column: number): FieldTable | undefined {
  const path: string[] = [];
  let col = column;
  for (let l = line - 1; l >= 0 && col > 0; l--) {
    const text = lines[l] ?? '';
    if (/^\s*(#.*)?$/.test(text)) continue;
    const match = keyLine.exec(text);
    const indent = text.length - text.trimStart().length;
    if (!match) {
      if (indent < col) return undefined;
      continue;
    }
    const keyColumn = (match[1]?.length ?? 0) + (match[2]?.length ?? 0);
    if (keyColumn < col && (match[4] === undefined || match[4] === '' || match[4].startsWith('#'))) {
      path.unshift(match[3] ?? '');
      col = match[2] ? Math.min(keyColumn, indent) : keyColumn;
    } else if (keyColumn < col) {
      return undefined;
    }
  }
  let table: FieldTable | undefined = rootFields;
  for (const key of path) {
    const spec: FieldSpec | undefined = table?.[key];
    table = spec ? childTable(spec.type) : undefined;
  }
  return table;
}

export interface FieldAtCursor {
  key: string;
  spec: FieldSpec;
  /** Zero-based character range of the key on its line. */
  start: number;
  end: number;
}

/** The known field whose key is under the cursor, for hovers. */
export function fieldAt(text: string, position: Position): FieldAtCursor | undefined {
  const lines = text.split(/\r?\n/);
  const line = lines[position.line] ?? '';
  const match = keyLine.exec(line);
  if (!match?.[3]) return undefined;
  const start = (match[1]?.length ?? 0) + (match[2]?.length ?? 0);
  const end = start + match[3].length;
  if (position.character < start || position.character > end) return undefined;
  const spec = tableAt(lines, position.line, start)?.[match[3]];
  return spec ? { key: match[3], spec, start, end } : undefined;
}

export interface CompletionItem {
  label: string;
  kind: 'key' | 'value';
  insertText: string;
  detail: string;
  documentation: string;
}

/** Keys that may go where the cursor is, or values of the field whose value is being typed. */
export function completionsAt(text: string, position: Position): CompletionItem[] {
  const lines = text.split(/\r?\n/);
  const before = (lines[position.line] ?? '').slice(0, position.character);
  const valueMatch = /^(\s*)(- +)?([A-Za-z_][\w-]*)\s*:\s+(\S*)$/.exec(before);
  if (valueMatch) {
    const column = (valueMatch[1]?.length ?? 0) + (valueMatch[2]?.length ?? 0);
    const spec = tableAt(lines, position.line, column)?.[valueMatch[3] ?? ''];
    return spec ? valueCompletions(spec) : [];
  }
  const keyMatch = /^(\s*)(- +)?([A-Za-z_][\w-]*)?$/.exec(before);
  if (!keyMatch) return [];
  const column = (keyMatch[1]?.length ?? 0) + (keyMatch[2]?.length ?? 0);
  const table = tableAt(lines, position.line, column);
  if (!table) return [];
  const present = siblingKeys(lines, position.line, column);
  return Object.entries(table)
    .filter(([name]) => !present.has(name))
    .map(([name, spec]) => ({
      label: name,
      kind: 'key',
      insertText: keyInsertText(name, spec, column),
      detail: describeType(spec.type),
      documentation: documentation(spec),
    }));
}

function valueCompletions(spec: FieldSpec): CompletionItem[] {
  const values = spec.type.kind === 'bool' ? ['true', 'false'] : spec.type.kind === 'string' && spec.type.enum ? [...spec.type.enum] : [];
  return values.map((value) => ({ label: value, kind: 'value', insertText: value, detail: describeType(spec.type), documentation: documentation(spec) }));
}

/** Keys already present in the mapping the cursor is in (same column, same block). */
function siblingKeys(lines: readonly string[], line: number, column: number): Set<string> {
  const keys = new Set<string>();
  const scan = (from: number, step: 1 | -1) => {
    for (let l = from; l >= 0 && l < lines.length; l += step) {
      const text = lines[l] ?? '';
      if (/^\s*(#.*)?$/.test(text)) continue;
      const match = keyLine.exec(text);
      const keyColumn = match ? (match[1]?.length ?? 0) + (match[2]?.length ?? 0) : text.length - text.trimStart().length;
      if (keyColumn < column) return;
      if (match && keyColumn === column) {
        keys.add(match[3] ?? '');
        // A dash starts a new list item: keys above it belong to another item.
        if (match[2] && step === -1) return;
        if (match[2] && step === 1) return;
      }
    }
  };
  scan(line - 1, -1);
  scan(line + 1, 1);
  return keys;
}

function keyInsertText(name: string, spec: FieldSpec, column: number): string {
  const pad = ' '.repeat(column);
  switch (spec.type.kind) {
    case 'object':
      return `${name}:\n${pad}  `;
    case 'list':
    case 'stringList':
      return `${name}:\n${pad}- `;
    default:
      return `${name}: `;
  }
}

function describeType(type: FieldType): string {
  switch (type.kind) {
    case 'string':
      return type.enum ? type.enum.join(' | ') : 'string';
    case 'stringList':
      return 'list of strings';
    case 'list':
      return 'list';
    case 'object':
      return 'map';
    default:
      return type.kind === 'bool' ? 'boolean' : 'integer';
  }
}

export function documentation(spec: FieldSpec): string {
  return `${spec.doc}\n\n**konlet:** ${spec.konlet}\n\n**cloud-init:** ${spec.cloudInit}`;
}
