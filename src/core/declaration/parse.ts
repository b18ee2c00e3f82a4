/**
 * Reads a declaration the way konlet does (reference/konlet-spec.md §1.1, §1.3): YAML 1.1 scalars,
 * only the first document, unknown keys ignored, later duplicate keys win, and konlet's typing errors
 * (`line N: cannot unmarshal !!str `x` into bool`). Syntax and typing problems come back as
 * diagnostics with exact ranges, never as exceptions.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, type Document, type Node } from 'yaml';
import { goTypeName, rootFields, type FieldTable, type FieldType } from './fields';
import type { Declaration, DeclarationDiagnostic, Range } from './model';

export interface NodeLocation {
  /** The key, for map entries. */
  key?: Range;
  /** The value (or the list item). */
  value: Range;
}

export interface ParsedDeclaration {
  text: string;
  declaration: Declaration;
  /** Syntax, typing and key diagnostics found while reading. */
  diagnostics: DeclarationDiagnostic[];
  /** The first YAML document, for comment-preserving edits; undefined if the text has none. */
  document: Document.Parsed | undefined;
  /** Where each present field is, by path: `spec.containers[0].image`. */
  locations: ReadonlyMap<string, NodeLocation>;
  /** Converts character offsets into a zero-based range. */
  range(start: number, end: number): Range;
}

type YamlNode = Node | null | undefined;

export function parseDeclaration(text: string): ParsedDeclaration {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { version: '1.1', lineCounter, uniqueKeys: false, prettyErrors: false });
  const range = (start: number, end: number): Range => ({ start: position(lineCounter, text, start), end: position(lineCounter, text, Math.max(start, end)) });
  const diagnostics: DeclarationDiagnostic[] = [];
  const locations = new Map<string, NodeLocation>();
  const list = Array.isArray(documents) ? documents : [];
  const document = list[0];

  for (const doc of list) {
    for (const error of doc.errors) {
      diagnostics.push({ severity: 'error', code: 'cosvm/yaml-syntax', message: error.message.split('\n')[0] ?? error.message, range: range(error.pos[0], Math.max(error.pos[1], error.pos[0] + 1)) });
    }
  }
  if (list.length > 1 && list[1]) {
    const start = list[1].range[0];
    diagnostics.push({ severity: 'warning', code: 'cosvm/extra-document', message: 'Only the first YAML document is read; konlet ignores the rest.', range: range(start, start + 3) });
  }
  if (!document || document.errors.length > 0) {
    return { text, declaration: {}, diagnostics, document, locations, range };
  }

  const reader = new Reader(document, lineCounter, range, diagnostics, locations);
  const declaration = reader.readObject(document.contents, rootFields, '', 'types.ContainerSpec') as Declaration | undefined;
  return { text, declaration: declaration ?? {}, diagnostics, document, locations, range };
}

function position(lineCounter: LineCounter, text: string, offset: number): { line: number; character: number } {
  const clamped = Math.min(Math.max(0, offset), text.length);
  const { line, col } = lineCounter.linePos(clamped);
  return { line: line - 1, character: col - 1 };
}

/** The YAML tag yaml.v2 (konlet's parser) gives a scalar; plain scalars resolve by YAML 1.1 rules. */
export function konletTag(node: Scalar): string {
  if (node.type !== Scalar.PLAIN) return '!!str';
  const source = node.source ?? '';
  if (node.value === null) return '!!null';
  if (typeof node.value === 'boolean') return '!!bool';
  if (typeof node.value === 'number' || typeof node.value === 'bigint') {
    if (/^[-+]?(0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*)$/.test(source)) return '!!int';
    if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(source) || /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(source)) return '!!float';
  }
  return '!!str';
}

/** The raw text konlet keeps for a string field: the source of a plain scalar, else its value. */
function rawText(node: Scalar): string {
  if (node.type === Scalar.PLAIN && node.source !== undefined) return node.source;
  return typeof node.value === 'string' ? node.value : String(node.value);
}

function shown(raw: string): string {
  // yaml.v2 shortens values longer than 10 characters to the first 7 and "...".
  return raw.length > 10 ? `${raw.slice(0, 7)}...` : raw;
}

class Reader {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
    private readonly range: (start: number, end: number) => Range,
    private readonly diagnostics: DeclarationDiagnostic[],
    private readonly locations: Map<string, NodeLocation>,
  ) {}

  private resolve(node: YamlNode): YamlNode {
    // Anchors and aliases work in konlet (yaml.v2 follows them).
    return isAlias(node) ? (node.resolve(this.doc)) : node;
  }

  private isNull(node: YamlNode): boolean {
    return node === null || node === undefined || (isScalar(node) && node.type === Scalar.PLAIN && node.value === null);
  }

  private nodeRange(node: Node): Range {
    const [start, valueEnd] = node.range ?? [0, 0, 0];
    return this.range(start, valueEnd);
  }

  private typeError(node: Node, goType: string, extra: Record<string, unknown> = {}): undefined {
    const line = this.lineCounter.linePos(node.range?.[0] ?? 0).line;
    const what = isMap(node) ? '!!map' : isSeq(node) ? '!!seq' : isScalar(node) ? `${konletTag(node)} \`${shown(rawText(node))}\`` : '!!str';
    const konletLine = `line ${line}: cannot unmarshal ${what} into ${goType}`;
    this.diagnostics.push({
      severity: 'error',
      code: 'cosvm/type-mismatch',
      message: `${konletLine}. konlet stops with "Cannot parse container declaration" and runs nothing.`,
      range: this.nodeRange(node),
      data: { konletMessage: konletLine, expected: goType, ...extra },
    });
    return undefined;
  }

  read(raw: YamlNode, type: FieldType, path: string): unknown {
    const node = this.resolve(raw);
    if (this.isNull(node) || !node) return undefined;
    switch (type.kind) {
      case 'string':
        return isScalar(node) ? rawText(node) : this.typeError(node, goTypeName(type));
      case 'bool': {
        if (isScalar(node) && node.type === Scalar.PLAIN && typeof node.value === 'boolean') return node.value;
        const quotedBool = isScalar(node) && node.type !== Scalar.PLAIN && /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/.test(rawText(node));
        return this.typeError(node, 'bool', quotedBool ? { unquote: true } : {});
      }
      case 'int': {
        const tag = isScalar(node) ? konletTag(node) : '';
        if (isScalar(node) && (tag === '!!int' || tag === '!!float')) return Math.trunc(Number(node.value));
        const quotedInt = isScalar(node) && node.type !== Scalar.PLAIN && /^[-+]?[0-9]+$/.test(rawText(node));
        return this.typeError(node, 'int', quotedInt ? { unquote: true } : {});
      }
      case 'stringList': {
        if (!isSeq(node)) return this.typeError(node, '[]string', isScalar(node) ? { scalarForList: true } : {});
        return node.items.map((item, index) => {
          const element = this.resolve(item as YamlNode);
          if (element) this.locations.set(`${path}[${index}]`, { value: this.nodeRange(element) });
          if (this.isNull(element) || !element) return '';
          return isScalar(element) ? rawText(element) : (this.typeError(element, 'string') ?? '');
        });
      }
      case 'list': {
        if (!isSeq(node)) return this.typeError(node, type.goType);
        const itemGoType = type.goType.replace(/^\[\]/, '');
        return node.items.map((item, index) => {
          const element = this.resolve(item as YamlNode);
          const itemPath = `${path}[${index}]`;
          if (element) this.locations.set(itemPath, { value: this.nodeRange(element) });
          if (this.isNull(element) || !element) return {};
          return this.readObject(element, type.item, itemPath, itemGoType) ?? {};
        });
      }
      case 'object':
        return this.readObject(node, type.fields, path, type.goType);
    }
  }

  readObject(raw: YamlNode, fields: FieldTable, path: string, goType: string): Record<string, unknown> | undefined {
    const node = this.resolve(raw);
    if (this.isNull(node) || !node) return undefined;
    if (!isMap(node)) return this.typeError(node, goType);
    const out: Record<string, unknown> = {};
    const seen = new Map<string, Range>();
    for (const pair of node.items) {
      const keyNode = this.resolve(pair.key as YamlNode);
      if (!keyNode || !isScalar(keyNode)) continue;
      const key = rawText(keyNode);
      const keyRange = this.nodeRange(keyNode);
      const fieldPath = path ? `${path}.${key}` : key;
      const spec = fields[key];
      if (!spec) {
        this.unknownKey(key, keyRange, fields, path);
        continue;
      }
      if (seen.has(key)) {
        this.diagnostics.push({ severity: 'warning', code: 'cosvm/duplicate-key', message: `\`${key}\` appears twice; konlet silently uses the last one.`, range: keyRange });
      }
      seen.set(key, keyRange);
      const valueNode = this.resolve(pair.value as YamlNode);
      const valueRange = valueNode?.range ? this.nodeRange(valueNode) : keyRange;
      this.locations.set(fieldPath, { key: keyRange, value: valueRange });
      const value = this.read(pair.value as YamlNode, spec.type, fieldPath);
      if (value === undefined) delete out[key];
      else out[key] = value;
    }
    return out;
  }

  private unknownKey(key: string, range: Range, fields: FieldTable, path: string): void {
    const where = path ? ` in \`${path.replace(/\[\d+\]/g, '[]')}\`` : '';
    const match = Object.keys(fields).find((name) => name.toLowerCase() === key.toLowerCase());
    if (match) {
      this.diagnostics.push({
        severity: 'warning',
        code: 'cosvm/wrong-case-key',
        message: `\`${key}\` is ignored by konlet: keys are case-sensitive. Did you mean \`${match}\`?`,
        range,
        data: { replacement: match },
      });
      return;
    }
    this.diagnostics.push({
      severity: 'warning',
      code: 'cosvm/unknown-key',
      message: `\`${key}\` is ignored by konlet${where}; known keys: ${Object.keys(fields).join(', ')}.`,
      range,
      data: { key },
    });
  }
}
