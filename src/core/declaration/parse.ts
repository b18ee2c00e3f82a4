/**
 * Reads a declaration the way konlet does (reference/konlet-spec.md §1.1, §1.3): YAML 1.1 scalars,
 * only the first document, unknown keys ignored, later duplicate keys win, and konlet's typing errors
 * (`line N: cannot unmarshal !!str `x` into bool`). Syntax and typing problems come back as
 * diagnostics with exact ranges, never as exceptions.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, Scalar, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { scanBlockYaml } from './blockYaml';
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
  /** Where each present field is, by path: `spec.containers[0].image`. */
  locations: ReadonlyMap<string, NodeLocation>;
  /** Converts character offsets into a zero-based range. */
  range(start: number, end: number): Range;
}

type YamlNode = Node | null | undefined;

/** What konlet's yaml.v2 says for the syntax errors our parser reports most often. */
const yamlV2Problems: Partial<Record<string, string>> = {
  TAB_AS_INDENT: 'found character that cannot start any token',
  BLOCK_AS_IMPLICIT_KEY: 'mapping values are not allowed in this context',
};

/** `fastPath: false` forces the full parser; tests compare the two. */
export function parseDeclaration(text: string, options: { fastPath?: boolean } = {}): ParsedDeclaration {
  const lines = new LineIndex(text);
  const range = (start: number, end: number): Range => ({ start: lines.position(start), end: lines.position(Math.max(start, end)) });
  const diagnostics: DeclarationDiagnostic[] = [];
  const locations = new Map<string, NodeLocation>();
  const read = (root: YamlNode, doc: Document.Parsed | undefined): ParsedDeclaration => {
    const reader = new Reader(doc, range, diagnostics, locations);
    const declaration = reader.readObject(root, rootFields, '', 'types.ContainerSpec') as Declaration | undefined;
    return { text, declaration: declaration ?? {}, diagnostics, locations, range };
  };

  // Most declarations are plain block YAML: read them without building a full document (blockYaml.ts).
  const fast = options.fastPath === false ? undefined : scanBlockYaml(text);
  if (fast) return read(fast, undefined);

  const documents = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  const document = list[0];
  for (const doc of list) {
    for (const error of doc.errors) {
      const errorRange = range(error.pos[0], Math.max(error.pos[1], error.pos[0] + 1));
      const problem = yamlV2Problems[error.code];
      // yaml.v2 numbers syntax errors one lower than the 1-based line, and omits 0 (konlet-cases fixture).
      const konletMessage = problem ? `${errorRange.start.line > 0 ? `line ${errorRange.start.line}: ` : ''}${problem}` : undefined;
      diagnostics.push({
        severity: 'error',
        code: 'cosvm/yaml-syntax',
        message: error.message.split('\n')[0] ?? error.message,
        range: errorRange,
        ...(konletMessage ? { data: { konletMessage } } : {}),
      });
    }
  }
  if (list.length > 1 && list[1]) {
    const start = list[1].range[0];
    diagnostics.push({ severity: 'warning', code: 'cosvm/extra-document', message: 'Only the first YAML document is read; konlet ignores the rest.', range: range(start, start + 3) });
  }
  if (!document || document.errors.length > 0) return { text, declaration: {}, diagnostics, locations, range };
  return read(document.contents, document);
}

/**
 * Offsets to zero-based positions. Our own index rather than yaml's LineCounter, which misses line
 * breaks inside broken flow collections (found by the fuzz test).
 */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    // Line breaks as editors count them: \n, \r\n and a lone \r.
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  position(offset: number): { line: number; character: number } {
    const clamped = Math.min(Math.max(0, offset), this.text.length);
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= clamped) low = mid;
      else high = mid - 1;
    }
    // An offset on a line break (either half of \r\n) is the end of that line's content.
    const start = this.starts[low] ?? 0;
    const next = this.starts[low + 1];
    let contentEnd = next === undefined ? this.text.length : next - 1;
    if (next !== undefined && this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13) contentEnd = next - 2;
    return { line: low, character: Math.min(clamped, contentEnd) - start };
  }
}

/** The YAML tag yaml.v2 (konlet's parser) gives a scalar; plain scalars resolve by YAML 1.1 rules. */
export function konletTag(node: Scalar): string {
  if (node.tag) return node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
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
    /** The full document, for aliases; undefined on the fast path, which has none. */
    private readonly doc: Document.Parsed | undefined,
    private readonly range: (start: number, end: number) => Range,
    private readonly diagnostics: DeclarationDiagnostic[],
    private readonly locations: Map<string, NodeLocation>,
  ) {}

  private resolve(node: YamlNode): YamlNode {
    // Anchors and aliases work in konlet (yaml.v2 follows them).
    if (!isAlias(node)) return node;
    const target: YamlNode = this.doc ? node.resolve(this.doc) : undefined;
    if (target === undefined) {
      const message = `unknown anchor '${node.source}' referenced`;
      this.diagnostics.push({ severity: 'error', code: 'cosvm/yaml-alias', message: `The alias *${node.source} has no anchor: ${message}.`, range: this.nodeRange(node), data: { konletStage: 2, konletMessage: message } });
    }
    return target;
  }

  /** The pairs of a mapping with `<<` merge keys expanded; explicit keys win over merged ones. */
  private entries(map: YAMLMap): Pair[] {
    // yaml gives YAML 1.1 merge keys a Symbol value; the source text is still `<<`.
    const isMerge = (pair: Pair) => isScalar(pair.key) && (pair.key.source === '<<' || pair.key.value === '<<');
    const explicit = map.items.filter((pair) => !isMerge(pair));
    const merged: Pair[] = [];
    for (const pair of map.items) {
      if (!isMerge(pair)) continue;
      const value = this.resolve(pair.value as YamlNode);
      const sources = isSeq(value) ? value.items.map((item) => this.resolve(item as YamlNode)) : [value];
      for (const source of sources) if (isMap(source)) merged.push(...this.entries(source));
    }
    const keyOf = (pair: Pair) => (isScalar(pair.key) ? rawText(pair.key) : undefined);
    const explicitKeys = new Set(explicit.map(keyOf));
    return [...merged.filter((pair) => !explicitKeys.has(keyOf(pair))), ...explicit];
  }

  private isNull(node: YamlNode): boolean {
    return node === null || node === undefined || (isScalar(node) && node.type === Scalar.PLAIN && node.value === null);
  }

  private nodeRange(node: Node): Range {
    const [start, valueEnd] = node.range ?? [0, 0, 0];
    return this.range(start, valueEnd);
  }

  private typeError(node: Node, goType: string, extra: Record<string, unknown> = {}): undefined {
    const line = this.range(node.range?.[0] ?? 0, node.range?.[0] ?? 0).start.line + 1;
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
        if (isScalar(node) && (node.type === Scalar.PLAIN || node.tag !== undefined) && typeof node.value === 'boolean') return node.value;
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
    for (const pair of this.entries(node)) {
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
      const value = spec.pointer ? this.readPointer(pair.value as YamlNode, spec.type, fieldPath) : this.read(pair.value as YamlNode, spec.type, fieldPath);
      if (value === undefined) delete out[key];
      else out[key] = value;
    }
    return out;
  }

  /** yaml.v2's pointer quirks (see FieldSpec.pointer). */
  private readPointer(raw: YamlNode, type: FieldType, path: string): unknown {
    const node = this.resolve(raw);
    if (isScalar(node) && node.type === Scalar.PLAIN && node.value === null && node.source !== '' && node.source !== 'null') {
      return type.kind === 'object' ? {} : '';
    }
    if (isScalar(node) && node.type !== Scalar.PLAIN && !node.tag && (node.value === '' || node.value === 'null')) {
      return this.typeError(node, `*${goTypeName(type)}`);
    }
    return this.read(raw, type, path);
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
