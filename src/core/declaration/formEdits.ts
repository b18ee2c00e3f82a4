/**
 * The form editor's edits (`FormEdit`, formEdit.ts) as minimal text edits of the YAML source
 * (issue #7, STYLE §5.15). The document is parsed with the `yaml` package and every edit is computed
 * from node source ranges, so text outside the changed node (comments, quoting, blank lines, CRLF)
 * stays byte-identical.
 *
 * Rules:
 * - `set` on an existing scalar replaces only that scalar's source. Strings are written so that they
 *   read back as the same string under YAML 1.1 (konlet) and 1.2: plain when safe, else quoted
 *   (`"true"`, `"on"`, `"8080"`, `""` are quoted); an existing single- or double-quoted style is kept.
 *   Booleans and numbers are plain. A missing key is added as a new line after the last key of its
 *   map, at the sibling indentation; missing parent maps are created as block mappings.
 * - `remove` deletes the whole lines of a key or list item (its own trailing comment and any comment
 *   lines inside it go with it; comment lines before or after it stay). A collection that becomes empty
 *   is removed with its key, up the path; a list item that becomes an empty map is written `{}`.
 *   The first key of a list item (`- name: a`) goes with the next key moving up after the dash, or,
 *   when comment lines sit between them, the dash stays alone on its line (`-`). Inside a flow
 *   collection the entry and one comma go.
 * - `insert` adds a block list item at the dash column of its siblings (or inside a flow list); a
 *   missing list is created in the document's dash style.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { FormEdit, FormPath, FormValue } from './formEdit';
import { DeclarationError } from '../errors';
import { blockLines, flowText, scalarText, type QuoteStyle } from './formValues';

/** A replacement of `[start, end)` in the old text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

type Collection = YAMLMap | YAMLSeq;
type Parent = { kind: 'map'; map: YAMLMap; pair: Pair } | { kind: 'seq'; seq: YAMLSeq; index: number };

function invalid(message: string): never {
  throw new DeclarationError('declaration/invalid', message);
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

export function formEditToTextEdits(text: string, edit: FormEdit): TextEdit[] {
  return new Editor(text).edit(edit);
}

function keyText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (node.type === Scalar.PLAIN && node.source !== undefined) return node.source;
  return typeof node.value === 'string' ? node.value : String(node.value);
}

function isNullScalar(node: unknown): node is Scalar {
  return isScalar(node) && node.type === Scalar.PLAIN && node.value === null;
}

class Editor {
  private readonly eol: string;
  private readonly doc: Document.Parsed;

  constructor(private readonly text: string) {
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
    const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, keepSourceTokens: true });
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    if (!doc) invalid('The declaration is empty.');
    if (doc.errors.length > 0) invalid(`The YAML does not parse: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`);
    this.doc = doc;
  }

  edit(edit: FormEdit): TextEdit[] {
    if (edit.path.length === 0) invalid('An edit needs a path.');
    switch (edit.kind) {
      case 'set':
        return this.set(edit.path, edit.value);
      case 'remove':
        return this.remove(edit.path);
      case 'insert':
        return this.insert(edit.path, edit.index, edit.value);
    }
  }

  // ---- walking ------------------------------------------------------------------------------------

  private child(node: unknown, part: string | number, path: FormPath): { node: unknown; parent: Parent } | undefined {
    if (isAlias(node)) invalid(`${show(path)} goes through an alias; edit it in the text.`);
    if (typeof part === 'number') {
      if (!isSeq(node)) invalid(`${show(path)}: ${part} indexes something that is not a list.`);
      if (part >= node.items.length) return undefined;
      return { node: node.items[part], parent: { kind: 'seq', seq: node, index: part } };
    }
    if (!isMap(node)) invalid(`${show(path)}: "${part}" is a key of something that is not a map.`);
    // The last duplicate wins, as in konlet.
    const pair = [...node.items].reverse().find((item) => keyText(item.key) === part);
    return pair ? { node: pair.value, parent: { kind: 'map', map: node, pair } } : undefined;
  }

  /** Walks as far as the path exists: the nodes found and the first missing part's index. */
  private walk(path: FormPath): { nodes: unknown[]; parents: Parent[]; found: number } {
    const nodes: unknown[] = [this.doc.contents];
    const parents: Parent[] = [];
    for (let i = 0; i < path.length; i++) {
      const current = nodes[i];
      // An empty value (`spec:`) is a missing map: the rest is created.
      if ((isNullScalar(current) || current === null || current === undefined) && i > 0) return { nodes, parents, found: i };
      if ((current === null || current === undefined) && i === 0) return { nodes, parents, found: 0 };
      const next = this.child(current, path[i] as string | number, path.slice(0, i + 1));
      if (!next) return { nodes, parents, found: i };
      nodes.push(next.node);
      parents.push(next.parent);
    }
    return { nodes, parents, found: path.length };
  }

  // ---- text positions -----------------------------------------------------------------------------

  private lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** Offset just past the line break of the line that holds the character before `end`. */
  private lineAfter(end: number): number {
    let last = end - 1;
    while (last > 0 && (this.text[last] === '\n' || this.text[last] === '\r') && this.text[last - 1] !== '\n') last--;
    if (this.text[last] === '\n') return last + 1;
    const next = this.text.indexOf('\n', Math.max(last, 0));
    return next < 0 ? this.text.length : next + 1;
  }

  private column(offset: number): number {
    return offset - this.lineStart(offset);
  }

  private onlySpacesBefore(offset: number): boolean {
    return /^[ \t]*$/.test(this.text.slice(this.lineStart(offset), offset));
  }

  /** Where a node's own content ends (not its trailing comments). */
  private contentEnd(node: unknown): number {
    if (isMap(node) && !node.flow && node.items.length > 0) {
      const last = node.items[node.items.length - 1] as Pair;
      return last.value !== null && last.value !== undefined ? this.contentEnd(last.value) : this.contentEnd(last.key);
    }
    if (isSeq(node) && !node.flow && node.items.length > 0) return this.contentEnd(node.items[node.items.length - 1]);
    const range = (node as Node | undefined)?.range;
    if (!range) invalid('A node has no source range.');
    let end = range[1];
    // Block scalars end after their last line break.
    while (end > range[0] && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    return end;
  }

  private start(node: unknown): number {
    const range = (node as Node | undefined)?.range;
    if (!range) invalid('A node has no source range.');
    return range[0];
  }

  /** The `-` that introduces block list item `item`. */
  private dashOf(item: unknown): number {
    let end = this.start(item);
    // The item starts on the dash's line, or below a lone `-` (maybe with comment lines between).
    for (;;) {
      const lineStart = this.lineStart(end);
      const before = this.text.slice(lineStart, end).replace(/(^|\s)#.*$/, '').replace(/\s+$/, '');
      if (before.endsWith('-')) return lineStart + before.length - 1;
      if (before.trim() !== '' || lineStart === 0) invalid('Could not find the dash of a list item.');
      end = lineStart - 1;
      if (this.text[end - 1] === '\r') end--;
    }
  }

  private newlineAtEnd(offset: number): string {
    return offset === this.text.length && offset > 0 && this.text[offset - 1] !== '\n' ? this.eol : '';
  }

  /** Whether block lists in this document indent their dashes past the parent key (`env:\n  - a`). */
  private indentsDashes(): boolean {
    let found: boolean | undefined;
    const visit = (node: unknown, keyColumn: number | undefined): void => {
      if (found !== undefined) return;
      if (isSeq(node)) {
        if (!node.flow && keyColumn !== undefined && node.items.length > 0) {
          found = this.column(this.dashOf(node.items[0])) > keyColumn;
          return;
        }
        for (const item of node.items) visit(item, undefined);
      } else if (isMap(node)) {
        for (const pair of node.items) if (isScalar(pair.key) && pair.key.range) visit(pair.value, this.column(pair.key.range[0]));
      }
    };
    visit(this.doc.contents, undefined);
    return found ?? true;
  }

  // ---- set ----------------------------------------------------------------------------------------

  private set(path: FormPath, value: string | number | boolean | null): TextEdit[] {
    const { nodes, found } = this.walk(path);
    if (found === path.length) {
      const node = nodes[path.length];
      if (isScalar(node)) return [this.replaceScalar(node, value)];
      if (node === null || node === undefined) invalid(`${show(path)} has no value to replace.`);
      if (isAlias(node)) invalid(`${show(path)} is an alias; edit it in the text.`);
      invalid(`${show(path)} is a ${isSeq(node) ? 'list' : 'map'}, not a single value.`);
    }
    const rest = path.slice(found);
    if (typeof rest[0] === 'number') invalid(`${show(path)}: item ${rest[0]} does not exist; insert it first.`);
    if (rest.slice(1).some((part) => typeof part === 'number')) invalid(`${show(path)}: a list on the way does not exist; insert it first.`);
    const container = nodes[found];
    return this.addKeys(container, path.slice(0, found), rest as string[], { kind: 'scalar', value });
  }

  private replaceScalar(node: Scalar, value: string | number | boolean | null): TextEdit {
    const [start, end] = node.range ?? invalid('A scalar has no source range.');
    const style: QuoteStyle = node.type === Scalar.QUOTE_SINGLE ? 'single' : node.type === Scalar.QUOTE_DOUBLE ? 'double' : 'plain';
    const flow = this.inFlow(start);
    const rendered = scalarText(value, style, flow);
    if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
      // The block header and body: replace up to the end of its content, keep the final line break.
      return { start, end: this.contentEnd(node), text: rendered };
    }
    // An empty value (`key:`): the scalar is empty right after the colon.
    if (start === end) return { start, end, text: ` ${rendered}` };
    return { start, end, text: rendered };
  }

  /** Whether `offset` lies inside a flow collection (so `,[]{}` need quoting). */
  private inFlow(offset: number): boolean {
    let flow = false;
    const visit = (node: unknown): void => {
      if (!(isMap(node) || isSeq(node))) return;
      const range = node.range;
      if (!range || offset < range[0] || offset > range[1]) return;
      if (node.flow) flow = true;
      else for (const item of node.items) visit(isPair(item) ? item.value : item);
    };
    visit(this.doc.contents);
    return flow;
  }

  /**
   * Adds `keys` (nested, the last holding `leaf`) to the map `container` at `at`, or replaces an empty
   * value (`spec:`, `securityContext: ~`) with a new block map.
   */
  private addKeys(container: unknown, at: FormPath, keys: string[], leaf: { kind: 'scalar'; value: string | number | boolean | null } | { kind: 'list'; items: FormValue[] }): TextEdit[] {
    const tail = keys.slice(1);
    if (isMap(container) && container.flow) {
      const inner = this.flowNested(tail, leaf);
      const entry = `${scalarText(keys[0] ?? '', 'plain', true)}: ${inner}`;
      const last = container.items[container.items.length - 1];
      if (!last) {
        const open = this.text.indexOf('{', this.start(container));
        return [{ start: open + 1, end: open + 1, text: entry }];
      }
      const end = this.contentEnd(last.value ?? last.key);
      return [{ start: end, end, text: `, ${entry}` }];
    }
    if (isMap(container)) {
      const first = container.items[0];
      if (!first) invalid(`${show(at)} is an empty map written in a way the form cannot extend.`);
      const indent = ' '.repeat(this.column(this.start(first.key)));
      const offset = this.lineAfter(this.contentEnd(container));
      const lines = this.nestedLines(keys, leaf, indent);
      return [{ start: offset, end: offset, text: this.newlineAtEnd(offset) + lines.join(this.eol) + this.eol }];
    }
    if (container === null || container === undefined || isNullScalar(container)) {
      if (at.length === 0) {
        // An empty document (maybe only comments): append at the end.
        const offset = this.text.length;
        const lines = this.nestedLines(keys, leaf, '');
        return [{ start: offset, end: offset, text: this.newlineAtEnd(offset) + lines.join(this.eol) + this.eol }];
      }
      const { parents } = this.walk(at);
      const parent = parents[parents.length - 1];
      if (!parent || parent.kind !== 'map' || !isScalar(parent.pair.key)) invalid(`${show(at)} cannot hold keys.`);
      const keyStart = this.start(parent.pair.key);
      const indent = ' '.repeat(this.column(keyStart) + 2);
      const lines = this.nestedLines(keys, leaf, indent);
      // `spec: ~` loses its `~`; the new lines go after the key's line (and its comment, if any).
      const edits: TextEdit[] = [];
      const valueRange = isNullScalar(container) ? container.range : undefined;
      if (valueRange && valueRange[1] > valueRange[0]) {
        let from = valueRange[0];
        while (from > 0 && this.text[from - 1] === ' ') from--;
        edits.push({ start: from, end: valueRange[1], text: '' });
      }
      const from = valueRange ? valueRange[1] : keyStart;
      const lineEnd = this.lineAfter(from + 1);
      const contentEnd = lineEnd > 0 && this.text[lineEnd - 1] === '\n' ? lineEnd - (this.text[lineEnd - 2] === '\r' ? 2 : 1) : lineEnd;
      edits.push({ start: contentEnd, end: contentEnd, text: this.eol + lines.join(this.eol) });
      return edits;
    }
    invalid(`${show(at)} is not a map.`);
  }

  private flowNested(keys: string[], leaf: { kind: 'scalar'; value: string | number | boolean | null } | { kind: 'list'; items: FormValue[] }): string {
    const leafText = leaf.kind === 'scalar' ? scalarText(leaf.value, 'plain', true) : flowText(leaf.items);
    return keys.reduceRight((inner, key) => `{${scalarText(key, 'plain', true)}: ${inner}}`, leafText);
  }

  private nestedLines(keys: string[], leaf: { kind: 'scalar'; value: string | number | boolean | null } | { kind: 'list'; items: FormValue[] }, indent: string): string[] {
    const lines: string[] = [];
    keys.forEach((key, depth) => {
      const pad = indent + '  '.repeat(depth);
      const keyOut = scalarText(key, 'plain', false);
      if (depth < keys.length - 1) lines.push(`${pad}${keyOut}:`);
      else if (leaf.kind === 'scalar') lines.push(`${pad}${keyOut}: ${scalarText(leaf.value, 'plain', false)}`);
      else {
        lines.push(`${pad}${keyOut}:`);
        const dashPad = this.indentsDashes() ? `${pad}  ` : pad;
        for (const item of leaf.items) lines.push(...blockLines(item, dashPad));
      }
    });
    return lines;
  }

  // ---- remove -------------------------------------------------------------------------------------

  private remove(path: FormPath): TextEdit[] {
    const { parents, found } = this.walk(path);
    if (found < path.length) invalid(`${show(path)} does not exist.`);
    const parent = parents[parents.length - 1];
    if (!parent) invalid('The whole document cannot be removed.');
    const collection: Collection = parent.kind === 'map' ? parent.map : parent.seq;
    if (collection.items.length === 1 && path.length > 1) {
      const grand = parents[parents.length - 2];
      // The collection becomes empty: remove it with its key, or write `{}` for a list item.
      if (!grand || grand.kind === 'map') return this.remove(path.slice(0, -1));
      if (collection.flow) {
        const start = this.start(collection);
        return [{ start, end: collection.range?.[1] ?? start, text: isMap(collection) ? '{}' : '[]' }];
      }
      const first = parent.kind === 'map' ? parent.pair.key : parent.seq.items[0];
      const start = this.start(first);
      return [{ start, end: this.contentEnd(collection), text: isMap(collection) ? '{}' : '[]' }];
    }
    if (collection.flow) return [this.removeFromFlow(collection, parent)];
    if (parent.kind === 'map') {
      const keyStart = this.start(parent.pair.key);
      const end = this.lineAfter(this.contentEnd(parent.pair.value ?? parent.pair.key));
      if (this.onlySpacesBefore(keyStart)) return [{ start: this.lineStart(keyStart), end, text: '' }];
      // The first key of a list item (`- name: a`): remove up to the next key, which moves up after the dash.
      const index = parent.map.items.indexOf(parent.pair);
      const next = parent.map.items[index + 1];
      if (!next) invalid(`${show(path)} is written in a way the form cannot remove.`);
      const nextKey = this.start(next.key);
      if (/^[ \t]*\r?\n[ \t]*$/.test(this.text.slice(end - 2 >= 0 && this.text[end - 2] === '\r' ? end - 2 : end - 1, nextKey))) return [{ start: keyStart, end: nextKey, text: '' }];
      // Comments between it and the next key stay theirs: the dash keeps its own line (`-`).
      let from = keyStart;
      while (from > 0 && this.text[from - 1] === ' ') from--;
      const lineEnd = end - (this.text[end - 1] === '\n' ? (this.text[end - 2] === '\r' ? 2 : 1) : 0);
      return [{ start: from, end: lineEnd, text: '' }];
    }
    const item = parent.seq.items[parent.index];
    const dash = this.dashOf(item);
    if (!this.onlySpacesBefore(dash)) invalid(`${show(path)} is written in a way the form cannot remove.`);
    return [{ start: this.lineStart(dash), end: this.lineAfter(this.contentEnd(item)), text: '' }];
  }

  private removeFromFlow(collection: Collection, parent: Parent): TextEdit {
    const entries = collection.items as unknown[];
    const index = parent.kind === 'map' ? parent.map.items.indexOf(parent.pair) : parent.index;
    const startOf = (entry: unknown) => this.start(isPair(entry) ? entry.key : entry);
    const endOf = (entry: unknown) => this.contentEnd(isPair(entry) ? (entry.value ?? entry.key) : entry);
    const next = entries[index + 1];
    if (next !== undefined) return { start: startOf(entries[index]), end: startOf(next), text: '' };
    const previous = entries[index - 1];
    return { start: endOf(previous), end: endOf(entries[index]), text: '' };
  }

  // ---- insert -------------------------------------------------------------------------------------

  private insert(path: FormPath, index: number | undefined, value: FormValue): TextEdit[] {
    const { nodes, found } = this.walk(path);
    if (found < path.length || isNullScalar(nodes[path.length])) {
      const rest = path.slice(found);
      if (rest.some((part) => typeof part === 'number')) invalid(`${show(path)}: a list on the way does not exist; insert it first.`);
      if (index !== undefined && index > 0) invalid(`${show(path)} does not exist, so nothing can go at index ${index}.`);
      if (rest.length === 0) {
        // `env:` or `env: ~`: the empty value becomes the list.
        return this.addKeys(nodes[path.length], path, [], { kind: 'list', items: [value] });
      }
      return this.addKeys(nodes[found], path.slice(0, found), rest as string[], { kind: 'list', items: [value] });
    }
    const list = nodes[path.length];
    if (!isSeq(list)) invalid(`${show(path)} is not a list.`);
    const at = index === undefined ? list.items.length : index;
    if (at > list.items.length) invalid(`${show(path)} has ${list.items.length} items; cannot insert at ${at}.`);
    if (list.flow) {
      const text = flowText(value);
      const before = list.items[at];
      if (before !== undefined) return [{ start: this.start(before), end: this.start(before), text: `${text}, ` }];
      const last = list.items[list.items.length - 1];
      if (last === undefined) {
        const open = this.text.indexOf('[', this.start(list));
        return [{ start: open + 1, end: open + 1, text }];
      }
      const end = this.contentEnd(last);
      return [{ start: end, end, text: `, ${text}` }];
    }
    const first = list.items[0];
    const dashPad = ' '.repeat(this.column(this.dashOf(first)));
    const lines = blockLines(value, dashPad).join(this.eol) + this.eol;
    const before = list.items[at];
    if (before !== undefined) {
      const offset = this.commentsAbove(this.lineStart(this.dashOf(before)), dashPad.length);
      return [{ start: offset, end: offset, text: lines }];
    }
    const offset = this.lineAfter(this.contentEnd(list));
    return [{ start: offset, end: offset, text: this.newlineAtEnd(offset) + lines }];
  }

  /** Moves a line start up over the comment lines directly above it at `column` (they describe that line). */
  private commentsAbove(lineStart: number, column: number): number {
    let offset = lineStart;
    while (offset > 0) {
      const previous = this.lineStart(offset - 1);
      const line = this.text.slice(previous, offset).replace(/\r?\n$/, '');
      if (!(line.length > column && line.slice(0, column).trim() === '' && line[column] === '#')) break;
      offset = previous;
    }
    return offset;
  }
}

function show(path: FormPath): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
