/**
 * A byte-exact port of what gcloud's `core/yaml.dump` writes for plain data: bundled ruamel.yaml 0.15.93
 * `safe_dump(data, default_flow_style=False, indent=2)`. The container declaration must match gcloud byte for
 * byte (konlet-spec §3.7), so this mirrors ruamel's `Emitter` state machine, trimmed to the one path plain data
 * takes: no anchors, tags, comments or explicit styles, block collections, flow only for `[]` and `{}`.
 * Each helper names the ruamel function it mirrors (ruamel/yaml/emitter.py unless said otherwise).
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue | undefined };

/**
 * Exactly what gcloud's core/yaml.dump emits: ruamel.yaml safe_dump(data, default_flow_style=False, indent=2) —
 * block style, keys sorted, list dashes at the parent key's indentation, width 80. Keys whose value is undefined
 * are skipped.
 *
 * Numbers: an integral JS number is written as a Python int (JS cannot tell 1.0 from 1, and gcloud's manifest
 * holds no floats); any other number as Python's float repr. A value reached twice is written twice: Python would
 * emit `&id001` anchors for a shared list or dict, but gcloud's manifest never shares one.
 */
export function dumpCanonicalYaml(value: YamlValue): string {
  return new Emitter().document(value);
}

const BEST_WIDTH = 80;
/** `indent=2` sets both best_sequence_indent and best_map_indent, and requested_indent (used at the top level). */
const INDENT = 2;
/**
 * check_simple_key: a key this long or longer is written as `? key`. The length counts the prepared tag as well,
 * and a str event always carries one (`!!str`, 5 characters), so keys from 123 code points on are complex.
 */
const MAX_SIMPLE_KEY_LENGTH = 128;
const STR_TAG_LENGTH = '!!str'.length;

interface NodeContext {
  root?: boolean;
  sequence?: boolean;
  mapping?: boolean;
  simpleKey?: boolean;
}

type ScalarStyle = 'plain' | 'single' | 'double';

/** ScalarAnalysis, reduced to the fields block context and allow_unicode=False can consult. */
interface Analysis {
  /** Code points: Python's len() and indexes count those, not UTF-16 units. */
  chars: string[];
  empty: boolean;
  multiline: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

class Emitter {
  private readonly output: string[] = [];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent: number | null = null;
  /** Indents.values: each saved indent and whether it was pushed for a sequence. */
  private readonly indents: { indent: number | null; sequence: boolean }[] = [];

  /** expect_document_root + expect_document_end: an implicit document (no `---`), ended by write_indent. */
  document(value: YamlValue): string {
    this.node(value, { root: true });
    this.writeIndent();
    return this.output.join('');
  }

  /** expect_node: dispatch on the node kind; empty collections go to flow style (check_empty_sequence/mapping). */
  private node(value: YamlValue, ctx: NodeContext): void {
    if (Array.isArray(value)) {
      if (value.length === 0) this.emptyFlow('[', ']', true);
      else this.blockSequence(value, ctx);
    } else if (value !== null && typeof value === 'object') {
      const entries = sortedEntries(value);
      if (entries.length === 0) this.emptyFlow('{', '}', false);
      else this.blockMapping(entries);
    } else {
      this.scalar(value, ctx);
    }
  }

  /** expect_block_sequence + expect_block_sequence_item. Under a key the dashes are not indented. */
  private blockSequence(items: YamlValue[], ctx: NodeContext): void {
    this.increaseIndent(false, true, ctx.mapping === true && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { sequence: true });
    }
    this.popIndent();
  }

  /** expect_block_mapping + expect_block_mapping_key/simple_value/value. */
  private blockMapping(entries: [string, YamlValue][]): void {
    this.increaseIndent(false, false);
    for (const [key, value] of entries) {
      this.writeIndent();
      // check_simple_key. ruamel 0.17 also lets an empty key be simple (`'': x`); 0.15.93 writes `? ''`.
      const keyAnalysis = analyzeScalar(key);
      const simpleKey =
        STR_TAG_LENGTH + keyAnalysis.chars.length < MAX_SIMPLE_KEY_LENGTH && !keyAnalysis.empty && !keyAnalysis.multiline;
      if (simpleKey) {
        this.node(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(key, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(value, { mapping: true });
    }
    this.popIndent();
  }

  /** expect_flow_sequence/mapping and expect_first_flow_*_item for a collection with no items. */
  private emptyFlow(open: string, close: string, sequence: boolean): void {
    // Indents.seq_flow_align; Python's ' ' * n is '' for negative n.
    const last = this.indents[this.indents.length - 1];
    const align =
      this.indents.length < 2 || last === undefined || !last.sequence
        ? 0
        : (last.indent ?? 0) + INDENT - this.column - 1;
    this.writeIndicator(' '.repeat(Math.max(0, align)) + open, true, true);
    this.increaseIndent(true, sequence);
    this.popIndent();
    this.writeIndicator(close, false);
    this.writeLineBreak(); // ruamel ends a top-level flow collection with a line break
  }

  /** expect_scalar + process_tag (style choice) + process_scalar. */
  private scalar(value: string | number | boolean | null, ctx: NodeContext): void {
    const text = typeof value === 'string' ? value : representScalar(value);
    // serializer: implicit[0] is "the resolver reads the plain text back as the same type". Our non-string reprs
    // always resolve to their own tag; a string only when no implicit resolver claims it.
    const implicit = typeof value !== 'string' || !resolvesToNonString(text);
    const analysis = analyzeScalar(text);
    const style = chooseScalarStyle(analysis, text, implicit, ctx.simpleKey === true);
    this.increaseIndent(true, false);
    const split = ctx.simpleKey !== true;
    if (ctx.sequence === true) this.writeIndent();
    if (ctx.root === true) {
      // write_plain/write_*_quoted: with requested_indent set, a root scalar starts on a new, indented line.
      this.writeLineBreak();
      this.writeIndent();
    }
    if (style === 'plain') this.writePlain(analysis.chars, split);
    else if (style === 'single') this.writeSingleQuoted(analysis.chars, split);
    else this.writeDoubleQuoted(analysis.chars, split);
    this.popIndent();
  }

  /** write_plain. Its line-break branch is unreachable: a plain scalar never contains a break. */
  private writePlain(text: string[], split: boolean): void {
    if (text.length === 0) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    this.writeFolded(text, (start, end) => start + 1 === end && this.column > BEST_WIDTH && split, () => {
      this.writeIndent();
      this.whitespace = false;
      this.indention = false;
    });
  }

  /**
   * write_single_quoted. Its break and quote branches are unreachable: ruamel picks double quotes for any
   * string containing `'` or `\n`, and other breaks are non-ASCII, which also forces double quotes.
   */
  private writeSingleQuoted(text: string[], split: boolean): void {
    this.writeIndicator("'", true);
    this.writeFolded(
      text,
      (start, end) => start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== text.length,
      () => this.writeIndent(),
    );
    this.writeIndicator("'", false);
  }

  /** The shared word loop of write_plain/write_single_quoted: a lone space past the width becomes a new line. */
  private writeFolded(text: string[], breakHere: (start: number, end: number) => boolean, newLine: () => void): void {
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = text[end];
      if (spaces) {
        if (ch !== ' ') {
          if (breakHere(start, end)) newLine();
          else this.write(text.slice(start, end).join(''));
          start = end;
        }
      } else if (ch === undefined || ch === ' ') {
        if (start < end) this.write(text.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
  }

  /** write_double_quoted with allow_unicode=False: everything outside printable ASCII is escaped. */
  private writeDoubleQuoted(text: string[], split: boolean): void {
    this.writeIndicator('"', true);
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = text[end];
      if (ch === undefined || needsEscape(ch)) {
        if (start < end) {
          this.write(text.slice(start, end).join(''));
          start = end;
        }
        if (ch !== undefined) {
          this.write(escapeChar(ch));
          start = end + 1;
        }
      }
      if (
        end > 0 &&
        end < text.length - 1 &&
        (ch === ' ' || start >= end) &&
        this.column + (end - start) > BEST_WIDTH &&
        split
      ) {
        this.write(text.slice(start, end).join('') + '\\');
        if (start < end) start = end;
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        // A continuation line that starts with a space must escape it, or the reader would fold it away.
        if (text[start] === ' ') this.write('\\');
      }
    }
    this.writeIndicator('"', false);
  }

  /** increase_indent. Both best indents are 2, so Indents.last_seq() does not matter here. */
  private increaseIndent(flow: boolean, sequence: boolean, indentless = false): void {
    this.indents.push({ indent: this.indent, sequence });
    if (this.indent === null) this.indent = flow ? INDENT : 0;
    else if (!indentless) this.indent += INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop()?.indent ?? null;
  }

  /** write_indicator. */
  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ' ' + indicator;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.write(data);
  }

  /** write_indent. */
  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.writeLineBreak();
    }
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }

  /** write_line_break. */
  private writeLineBreak(): void {
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.output.push('\n');
  }

  /** Raw text. Only ASCII reaches here (allow_unicode=False), so UTF-16 length equals Python's len(). */
  private write(data: string): void {
    this.column += data.length;
    this.output.push(data);
  }
}

/** representer.SafeRepresenter.represent_dict: items sorted by key (Python compares str by code point). */
function sortedEntries(map: { [key: string]: YamlValue | undefined }): [string, YamlValue][] {
  const entries: [string, YamlValue][] = [];
  for (const [key, value] of Object.entries(map)) {
    if (value !== undefined) entries.push([key, value]);
  }
  return entries.sort(([a], [b]) => compareCodePoints(a, b));
}

/** Python's str ordering. JS `<` compares UTF-16 units, which puts astral characters before U+E000–U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** represent_none/represent_bool/represent_int/represent_float (representer.py). */
function representScalar(value: number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value !== 'number') throw new TypeError(`cannot represent ${typeof value} as YAML`);
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  // str(int): exact digits, also past 2**53 where String() would switch to exponent form.
  if (Number.isInteger(value)) return BigInt(value).toString();
  return pythonFloatRepr(value);
}

/**
 * repr(float).lower(): the shortest round-trip digits (same digits as JS), in scientific form when the decimal
 * exponent is below -4 or at least 16, with a two-digit minimum exponent (`1e-05`). ruamel adds the `.0` that
 * YAML 1.1 wants (`1.0e-05`) only for version (1, 1), which safe_dump does not set.
 */
function pythonFloatRepr(value: number): string {
  const match = /^(-?)(\d)(?:\.(\d+))?e([-+]\d+)$/.exec(value.toExponential());
  if (!match) throw new Error(`unexpected float form ${value}`);
  const [, sign = '', first = '', rest = '', exponentText = '0'] = match;
  const digits = first + rest;
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const mantissa = rest === '' ? first : `${first}.${rest}`;
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction === '' ? '0' : fraction}`;
}

/**
 * resolver.Resolver: safe_dump's resolver carries only the YAML 1.2 entries of implicit_resolvers, so `yes`,
 * `on`, `y` and `1:20` stay plain strings while `0123`, `1e3` and `2001-12-14` need quotes. ruamel only tries
 * the patterns registered for the text's first character, which is why `_` stays plain though the int pattern
 * matches it. Python's `$` also matches before a final newline; that never matters because a string with a
 * line break is never plain.
 */
const IMPLICIT_RESOLVERS: readonly [firstChars: string, pattern: RegExp][] = [
  ['tTfF', /^(?:true|True|TRUE|false|False|FALSE)$/], // bool
  [
    '-+0123456789.',
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  ], // float
  ['-+0123456789', /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/], // int
  ['<', /^(?:<<)$/], // merge
  ['~nN', /^(?:~|null|Null|NULL)$/], // null; also registered for '', see resolvesToNonString
  [
    '0123456789',
    /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  ], // timestamp
  ['=', /^(?:=)$/], // value
  ['!&*', /^(?:!|&|\*)$/], // yaml
];

function resolvesToNonString(text: string): boolean {
  if (text === '') return true; // the null resolver's empty alternative
  const first = text.charAt(0);
  return IMPLICIT_RESOLVERS.some(([firstChars, pattern]) => firstChars.includes(first) && pattern.test(text));
}

const BREAKS = '\n\x85\u2028\u2029';
const WHITESPACE = '\0 \t\r' + BREAKS;

/** analyze_scalar with allow_unicode=False and no YAML version set. */
function analyzeScalar(scalar: string): Analysis {
  const chars = Array.from(scalar);
  if (chars.length === 0) {
    return { chars, empty: true, multiline: false, allowBlockPlain: true, allowSingleQuoted: true };
  }
  let blockIndicators = scalar.startsWith('---') || scalar.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let spaceBreak = false;
  let breakSpace = false;
  let previousSpace = false;
  let previousBreak = false;
  chars.forEach((ch, index) => {
    const precededByWhitespace = index === 0 || WHITESPACE.includes(chars[index - 1] ?? '');
    const next = chars[index + 1];
    const followedByWhitespace = next === undefined || WHITESPACE.includes(next);
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ('?:-'.includes(ch) && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    // Non-ASCII counts as special too, because allow_unicode is off.
    if (ch !== '\n' && !(ch >= ' ' && ch <= '~')) special = true;
    if (ch === ' ') {
      if (previousBreak) breakSpace = true;
    } else if (BREAKS.includes(ch) && previousSpace) {
      spaceBreak = true;
    }
    previousSpace = ch === ' ';
    previousBreak = BREAKS.includes(ch);
  });
  const first = chars[0] ?? '';
  const last = chars[chars.length - 1] ?? '';
  const edgeWhitespace = first === ' ' || last === ' ' || BREAKS.includes(first) || BREAKS.includes(last);
  const allowSingleQuoted = !breakSpace && !spaceBreak && !special;
  return {
    chars,
    empty: false,
    multiline: lineBreaks,
    allowBlockPlain: allowSingleQuoted && !edgeWhitespace && !lineBreaks && !blockIndicators,
    allowSingleQuoted,
  };
}

/** choose_scalar_style for an event with no requested style, in block context. */
function chooseScalarStyle(analysis: Analysis, text: string, implicit: boolean, simpleKey: boolean): ScalarStyle {
  if (implicit && !(simpleKey && (analysis.empty || analysis.multiline)) && analysis.allowBlockPlain) return 'plain';
  // ruamel (unlike PyYAML) double-quotes any non-plain string holding a quote or a newline.
  if (text.includes("'") || text.includes('\n')) return 'double';
  if (analysis.allowSingleQuoted && !(simpleKey && analysis.multiline)) return 'single';
  return 'double';
}

const ESCAPE_REPLACEMENTS: ReadonlyMap<string, string> = new Map([
  ['\0', '0'],
  ['\x07', 'a'],
  ['\x08', 'b'],
  ['\t', 't'],
  ['\n', 'n'],
  ['\x0B', 'v'],
  ['\x0C', 'f'],
  ['\r', 'r'],
  ['\x1B', 'e'],
  ['"', '"'],
  ['\\', '\\'],
  ['\x85', 'N'],
  ['\xA0', '_'],
  ['\u2028', 'L'],
  ['\u2029', 'P'],
]);

function needsEscape(ch: string): boolean {
  return ch === '"' || ch === '\\' || !(ch >= ' ' && ch <= '~');
}

/** The escape branch of write_double_quoted: named escapes, else \xXX, \uXXXX or \UXXXXXXXX (upper-case hex). */
function escapeChar(ch: string): string {
  const named = ESCAPE_REPLACEMENTS.get(ch);
  if (named !== undefined) return '\\' + named;
  const code = ch.codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase();
  if (code <= 0xff) return '\\x' + hex.padStart(2, '0');
  if (code <= 0xffff) return '\\u' + hex.padStart(4, '0');
  return '\\U' + hex.padStart(8, '0');
}
