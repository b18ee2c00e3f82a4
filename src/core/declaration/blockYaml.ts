/**
 * A fast reader for the block-style YAML subset that gcloud writes and people hand-write: maps and lists
 * by indentation, plain and one-line quoted scalars, `[]` and `{}`, comments. It builds the `yaml`
 * package's own node classes with the same ranges, so the konlet reader works on either. Anything else
 * (flow collections, anchors, tags, block scalars, multi-line scalars, tabs, directives, comment lines
 * after the first content line, syntax errors)
 * returns undefined and the caller falls back to the full parser. Validation has to be nearly free
 * next to a parse (bench/validation.ts); this is what makes it so.
 */
import { Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';

interface Line {
  /** Offset of the first content character. */
  start: number;
  /** Column of the first content character. */
  indent: number;
  /** Offset just after the content (before trailing spaces, a comment and the line break). */
  contentEnd: number;
  /** Offset just before the line break, after any comment and trailing spaces. */
  lineEnd: number;
}

class Unsupported extends Error {}

const nullPlain = /^(?:~|[Nn]ull|NULL)?$/;
const boolTrue = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const boolFalse = /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
const intPlain = /^[-+]?(0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*)$/;
const floatPlain = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Plain scalars that start like this are something else in YAML: leave them to the full parser. */
const specialStart = /^[[\]{}&*!|>'"%@`#,?]|^-(\s|$)|^:(\s|$)/;

/** YAML 1.1 integers: 0x, 0b, and a leading 0 for octal (as konlet's yaml.v2 reads them). */
function yaml11Int(source: string): number {
  const sign = source.startsWith('-') ? -1 : 1;
  const digits = source.replace(/^[-+]/, '').replace(/_/g, '');
  if (digits.startsWith('0x')) return sign * parseInt(digits.slice(2), 16);
  if (digits.startsWith('0b')) return sign * parseInt(digits.slice(2), 2);
  if (digits.length > 1 && digits.startsWith('0')) return sign * parseInt(digits, 8);
  return sign * parseInt(digits, 10);
}

function plainValue(source: string): unknown {
  if (nullPlain.test(source)) return null;
  if (boolTrue.test(source)) return true;
  if (boolFalse.test(source)) return false;
  if (intPlain.test(source)) return yaml11Int(source);
  if (floatPlain.test(source)) return Number(source);
  return source;
}

export function scanBlockYaml(text: string): Node | undefined {
  // Tabs, CR line breaks, directives and document markers are rare in declarations; the full parser handles them.
  if (/[\t\r]|^(---|\.\.\.|%)/m.test(text)) return undefined;
  try {
    return new BlockScanner(text).document();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

class BlockScanner {
  private readonly lines: Line[] = [];
  private index = 0;

  constructor(private readonly text: string) {
    let offset = 0;
    while (offset <= text.length) {
      const newline = text.indexOf('\n', offset);
      const end = newline < 0 ? text.length : newline;
      let start = offset;
      while (start < end && text.charCodeAt(start) === 32) start++;
      if (start < end && text.charCodeAt(start) === 35 /* # */ && this.lines.length > 0) {
        // The full parser stretches node ranges over comment lines inside blocks in ways not worth copying.
        throw new Unsupported();
      }
      if (start < end && text.charCodeAt(start) !== 35 /* # */) {
        let contentEnd = end;
        while (contentEnd > start && text.charCodeAt(contentEnd - 1) === 32) contentEnd--;
        this.lines.push({ start, indent: start - offset, contentEnd, lineEnd: end });
      }
      if (newline < 0) break;
      offset = newline + 1;
    }
  }

  document(): Node | undefined {
    const first = this.lines[0];
    if (!first) throw new Unsupported();
    if (first.indent !== 0 && this.lines.some((line) => line.indent < first.indent)) throw new Unsupported();
    const node = this.block(first.indent);
    if (this.index < this.lines.length) throw new Unsupported();
    return node;
  }

  private current(): Line | undefined {
    return this.lines[this.index];
  }

  private isItem(line: Line): boolean {
    const c = this.text.charCodeAt(line.start);
    const next = this.text.charCodeAt(line.start + 1);
    return c === 45 /* - */ && (line.start + 1 === line.lineEnd || next === 32);
  }

  private block(indent: number): Node {
    const line = this.current();
    if (!line) throw new Unsupported();
    return this.isItem(line) ? this.sequence(indent) : this.mapping(indent, line.start);
  }

  /** After the line break of a line: where a scalar's node ends (the `yaml` package's range[2]). */
  private endAfter(line: Line): number {
    return Math.min(this.text.length, line.lineEnd + 1);
  }

  /** A block collection ends where its last child's node ends (an empty value ends before the line break). */
  private static endOf(items: readonly unknown[]): number {
    const lastItem = items[items.length - 1];
    const node = lastItem instanceof Pair ? (lastItem.value as Node | null) : (lastItem as Node | undefined);
    return node?.range?.[2] ?? 0;
  }

  private sequence(indent: number): YAMLSeq {
    const seq = new YAMLSeq();
    const first = this.current();
    if (!first) throw new Unsupported();
    for (let line = this.current(); line && line.indent === indent && this.isItem(line); line = this.current()) {
      let contentStart = line.start + 1;
      while (contentStart < line.lineEnd && this.text.charCodeAt(contentStart) === 32) contentStart++;
      if (contentStart >= line.contentEnd || this.text.charCodeAt(contentStart) === 35) {
        // `-` alone: the item is the block on the following lines, or null.
        if (contentStart < line.contentEnd) throw new Unsupported();
        this.index++;
        const next = this.current();
        if (next && next.indent > indent) {
          seq.items.push(this.block(next.indent));
        } else {
          seq.items.push(this.emptyScalar(line));
        }
      } else if (this.keyEnd(contentStart, line) >= 0) {
        // `- key: value`: a mapping whose first key shares the dash's line.
        const column = indent + (contentStart - line.start);
        const inline: Line = { ...line, start: contentStart, indent: column };
        this.lines[this.index] = inline;
        seq.items.push(this.mapping(column, contentStart));
      } else {
        seq.items.push(this.scalar(contentStart, line));
        this.index++;
        const next = this.current();
        if (next && next.indent > indent) throw new Unsupported();
      }
    }
    const seqEnd = BlockScanner.endOf(seq.items);
    seq.range = [first.start, seqEnd, seqEnd];
    return seq;
  }

  /** Offset of the `:` ending a plain key at `start`, or -1 when the line is not `key: …`. */
  private keyEnd(start: number, line: Line): number {
    const c = this.text[start] ?? '';
    if (specialStart.test(this.text.slice(start, start + 2)) || c === '-') return -1;
    for (let i = start; i < line.contentEnd; i++) {
      const code = this.text.charCodeAt(i);
      if (code === 58 /* : */ && (i + 1 === line.lineEnd || this.text.charCodeAt(i + 1) === 32)) return i;
      if (code === 35 /* # */ && this.text.charCodeAt(i - 1) === 32) return -1;
    }
    return -1;
  }

  private mapping(indent: number, startOffset: number): YAMLMap {
    const map = new YAMLMap();
    let last: Line | undefined;
    for (let line = this.current(); line && line.indent === indent && !this.isItem(line); line = this.current()) {
      const colon = this.keyEnd(line.start, line);
      if (colon < 0) throw new Unsupported();
      let keyEnd = colon;
      while (keyEnd > line.start && this.text.charCodeAt(keyEnd - 1) === 32) keyEnd--;
      const keySource = this.text.slice(line.start, keyEnd);
      if (keySource === '<<') throw new Unsupported();
      const key = new Scalar(keySource);
      key.type = Scalar.PLAIN;
      key.source = keySource;
      key.range = [line.start, keyEnd, keyEnd];
      let valueStart = colon + 1;
      while (valueStart < line.lineEnd && this.text.charCodeAt(valueStart) === 32) valueStart++;
      let value: Node;
      if (valueStart >= line.lineEnd) {
        this.index++;
        const next = this.current();
        if (next && next.indent > indent) value = this.block(next.indent);
        else if (next && next.indent === indent && this.isItem(next)) value = this.sequence(indent);
        else value = this.emptyScalar(line);
      } else if (this.text.charCodeAt(valueStart) === 35 /* # */) {
        // `key:  # comment`: a block follows, or the value is empty and (like the full parser) sits at the comment.
        this.index++;
        const next = this.current();
        if (next && next.indent > indent) value = this.block(next.indent);
        else if (next && next.indent === indent && this.isItem(next)) value = this.sequence(indent);
        else {
          value = this.emptyScalar(line);
          // The full parser ends such a node at the next token (found by the differential test).
          value.range = [valueStart, valueStart, next ? next.start : this.text.length];
        }
      } else {
        value = this.scalar(valueStart, line);
        this.index++;
        const next = this.current();
        if (next && next.indent > indent) throw new Unsupported();
      }
      map.items.push(new Pair(key, value));
      last = this.lines[this.index - 1];
    }
    if (!last) throw new Unsupported();
    const mapEnd = BlockScanner.endOf(map.items);
    map.range = [startOffset, mapEnd, mapEnd];
    return map;
  }

  /** An empty value at the end of `line`. */
  private emptyScalar(line: Line): Scalar {
    const offset = line.lineEnd;
    const scalar = new Scalar(null);
    scalar.type = Scalar.PLAIN;
    scalar.source = '';
    scalar.range = [offset, offset, offset];
    return scalar;
  }

  /** A scalar, `[]` or `{}` from `start` to the end of its line (before any comment). */
  private scalar(start: number, line: Line): Node {
    const c = this.text.charCodeAt(start);
    if (c === 39 /* ' */ || c === 34 /* " */) return this.quoted(start, line, c === 39);
    const rest = this.text.slice(start, line.contentEnd);
    if (rest === '[]' || rest === '{}') {
      const empty = rest === '[]' ? new YAMLSeq() : new YAMLMap();
      empty.flow = true;
      empty.range = [start, start + 2, this.endAfter(line)];
      return empty;
    }
    if (specialStart.test(rest)) throw new Unsupported();
    let end = line.contentEnd;
    const comment = rest.indexOf(' #');
    if (comment >= 0) {
      end = start + comment;
      while (end > start && this.text.charCodeAt(end - 1) === 32) end--;
    }
    const source = this.text.slice(start, end);
    if (source.includes(': ') || source.endsWith(':')) throw new Unsupported();
    const scalar = new Scalar(plainValue(source));
    scalar.type = Scalar.PLAIN;
    scalar.source = source;
    scalar.range = [start, end, this.endAfter(line)];
    return scalar;
  }

  private quoted(start: number, line: Line, single: boolean): Scalar {
    let i = start + 1;
    let value = '';
    for (;;) {
      if (i >= line.lineEnd) throw new Unsupported();
      const ch = this.text[i] ?? '';
      if (single && ch === "'") {
        if (this.text[i + 1] === "'") {
          value += "'";
          i += 2;
          continue;
        }
        break;
      }
      if (!single && ch === '"') break;
      if (!single && ch === '\\') {
        const escaped = this.text[i + 1];
        const simple: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', t: '\t', '/': '/', '0': '\0', ' ': ' ' };
        const mapped = escaped === undefined ? undefined : simple[escaped];
        if (mapped === undefined) throw new Unsupported();
        value += mapped;
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    const end = i + 1;
    let after = end;
    while (after < line.lineEnd && this.text.charCodeAt(after) === 32) after++;
    if (after < line.lineEnd && !(this.text.charCodeAt(after) === 35 && after > end)) throw new Unsupported();
    const scalar = new Scalar(value);
    scalar.type = single ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE;
    scalar.source = value;
    scalar.range = [start, end, this.endAfter(line)];
    return scalar;
  }
}
