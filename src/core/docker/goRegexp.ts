/**
 * Translates Go regular expressions (regexp/syntax with the Perl flags, as `regexp.Compile` parses them) into
 * JavaScript `u`-mode RegExps with the same meaning. moby/patternmatcher turns each .dockerignore pattern into a
 * Go regexp and lets Go's parser give meaning to what the user wrote after a backslash or inside `[...]`
 * (`\d` is a digit class, `[[:alpha:]]` a POSIX class, `[z-a]` an error), so dockerignore.ts needs Go's reading of
 * those, not JavaScript's. Covers what that translation can produce: literals, escapes, classes, `^ $ . ( ) * + ?`,
 * and the `|` and `{n,m}` that reach Go unescaped (see dockerignore.ts).
 */

export class GoRegexpError extends Error {}

type Range = [number, number];
const maxRune = 0x10ffff;

const r = (text: string): Range[] =>
  text.split(',').map((part) => {
    const [lo, hi] = part.split('-').map((hex) => parseInt(hex, 16));
    return [lo ?? 0, hi ?? lo ?? 0];
  });

/** Go's Perl classes are ASCII-only (regexp/syntax perl_groups.go); `\s` has no `\v`. */
const perlClasses: Record<string, Range[]> = { d: r('30-39'), s: r('9-a,c-d,20'), w: r('30-39,41-5a,5f,61-7a') };

const posixClasses: Record<string, Range[]> = {
  alnum: r('30-39,41-5a,61-7a'),
  alpha: r('41-5a,61-7a'),
  ascii: r('0-7f'),
  blank: r('9,20'),
  cntrl: r('0-1f,7f'),
  digit: r('30-39'),
  graph: r('21-7e'),
  lower: r('61-7a'),
  print: r('20-7e'),
  punct: r('21-2f,3a-40,5b-60,7b-7e'),
  space: r('9-d,20'),
  upper: r('41-5a'),
  word: r('30-39,41-5a,5f,61-7a'),
  xdigit: r('30-39,41-46,61-66'),
};

function complement(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= maxRune) out.push([next, maxRune]);
  return out;
}

const point = (c: number): string => (/[0-9A-Za-z]/.test(String.fromCodePoint(c)) ? String.fromCodePoint(c) : `\\u{${c.toString(16)}}`);
const rangesSource = (ranges: readonly Range[]): string => ranges.map(([lo, hi]) => (lo === hi ? point(lo) : `${point(lo)}-${point(hi)}`)).join('');
const isAlnum = (c: string): boolean => /^[0-9A-Za-z]$/.test(c);
const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const unhex = (c: string | undefined): number => (c !== undefined && /^[0-9A-Fa-f]$/.test(c) ? parseInt(c, 16) : -1);

/** A Go regexp as code points, read left to right. */
class Reader {
  i = 0;
  constructor(readonly s: readonly string[]) {}
  peek(offset = 0): string | undefined {
    return this.s[this.i + offset];
  }
  fail(what: string): never {
    throw new GoRegexpError(`error parsing regexp: ${what}: \`${this.s.join('')}\``);
  }
}

/** Go's parseEscape: the single character a backslash escape stands for. */
function escapedChar(reader: Reader): number {
  reader.i++; // the backslash
  const c = reader.peek();
  if (c === undefined) reader.fail('trailing backslash at end of expression');
  reader.i++;
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x80 && !isAlnum(c)) return code;
  if ((c >= '1' && c <= '7' && isOctal(reader.peek())) || c === '0') {
    // Octal: up to three digits; a lone non-zero digit would be a backreference, which Go rejects.
    let value = code - 0x30;
    for (let n = 1; n < 3 && isOctal(reader.peek()); n++) value = value * 8 + parseInt(reader.s[reader.i++] ?? '0', 8);
    return value;
  }
  if (c === 'x') {
    if (reader.peek() === '{') {
      reader.i++;
      let value = 0;
      let digits = 0;
      for (;;) {
        const d = reader.peek();
        reader.i++;
        if (d === '}') break;
        if (unhex(d) < 0 || (value = value * 16 + unhex(d)) > maxRune) reader.fail('invalid escape sequence');
        digits++;
      }
      if (digits === 0) reader.fail('invalid escape sequence');
      return value;
    }
    const x = unhex(reader.peek());
    const y = unhex(reader.peek(1));
    if (x < 0 || y < 0) reader.fail('invalid escape sequence');
    reader.i += 2;
    return x * 16 + y;
  }
  const controls: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
  const control = controls[c];
  if (control === undefined) reader.fail(`invalid escape sequence \`\\${c}\``);
  return control;
}

/** `\pL`, `\p{Greek}`, `\P{^Lu}`: a JS property escape (Go's names are Unicode's). */
function unicodeClass(reader: Reader): { source: string; negated: boolean } {
  let negated = reader.peek(1) === 'P';
  reader.i += 2;
  let name: string;
  if (reader.peek() === '{') {
    const end = reader.s.indexOf('}', reader.i);
    if (end < 0) reader.fail('invalid character class range');
    name = reader.s.slice(reader.i + 1, end).join('');
    reader.i = end + 1;
  } else {
    name = reader.peek() ?? reader.fail('invalid character class range');
    reader.i++;
  }
  if (name.startsWith('^')) {
    negated = !negated;
    name = name.slice(1);
  }
  if (name === 'Any') return { source: negated ? '' : '\\u{0}-\\u{10ffff}', negated: false };
  return { source: `\\p{${/^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`}}`, negated };
}

/** Go's parseClass: `[` … `]` with POSIX names, Perl and Unicode classes, escapes and ranges. */
function charClass(reader: Reader): string {
  reader.i++; // [
  const negated = reader.peek() === '^';
  if (negated) reader.i++;
  const ranges: Range[] = [];
  const properties: string[] = [];
  let first = true; // `]` and `-` are literal as the first character
  while (reader.peek() !== ']' || first) {
    if (reader.peek() === undefined) reader.fail('missing closing ]');
    first = false;
    if (reader.peek() === '[' && reader.peek(1) === ':') {
      const rest = reader.s.slice(reader.i + 2).join('');
      const end = rest.indexOf(':]');
      if (end >= 0) {
        const name = rest.slice(0, end);
        const group = posixClasses[name.replace(/^\^/, '')];
        if (!group) reader.fail(`invalid character class range \`[:${name}:]\``);
        ranges.push(...(name.startsWith('^') ? complement(group) : group));
        reader.i += 2 + Array.from(name).length + 2;
        continue;
      }
    }
    if (reader.peek() === '\\' && (reader.peek(1) === 'p' || reader.peek(1) === 'P')) {
      const { source, negated: not } = unicodeClass(reader);
      properties.push(not && source.startsWith('\\p') ? source.replace('\\p', '\\P') : source);
      continue;
    }
    const perl = reader.peek() === '\\' ? perlClasses[(reader.peek(1) ?? '').toLowerCase()] : undefined;
    if (perl && reader.peek(1) !== undefined) {
      const upper = reader.peek(1) !== (reader.peek(1) ?? '').toLowerCase();
      ranges.push(...(upper ? complement(perl) : perl));
      reader.i += 2;
      continue;
    }
    const lo = classChar(reader);
    let hi = lo;
    if (reader.peek() === '-' && reader.peek(1) !== ']' && reader.peek(1) !== undefined) {
      reader.i++;
      hi = classChar(reader);
      if (hi < lo) reader.fail('invalid character class range');
    }
    ranges.push([lo, hi]);
  }
  reader.i++; // ]
  return `[${negated ? '^' : ''}${rangesSource(ranges)}${properties.join('')}]`;
}

function classChar(reader: Reader): number {
  const c = reader.peek();
  if (c === undefined) reader.fail('missing closing ]');
  if (c === '\\') return escapedChar(reader);
  reader.i++;
  return c.codePointAt(0) ?? 0;
}

/** Go's parseRepeat: `{n}`, `{n,}` or `{n,m}` at the reader, or undefined (then `{` is a literal). */
function repeatBounds(reader: Reader): { text: string; min: number; max: number } | undefined {
  const rest = reader.s.slice(reader.i, reader.i + 32).join('');
  const found = /^\{(\d+)(,(\d*))?\}/.exec(rest);
  // Go refuses leading zeros, so `{01}` is a literal too.
  if (!found || /^0\d/.test(found[1] ?? '') || /^0\d/.test(found[3] ?? '')) return undefined;
  const min = Number(found[1]);
  const max = found[2] === undefined ? min : found[3] === '' ? -1 : Number(found[3]);
  return { text: found[0], min, max };
}

/** Compiles a Go regexp as Go would read it; throws GoRegexpError where Go's parser would. */
export function goRegexp(source: string): RegExp {
  const reader: Reader = new Reader(Array.from(source));
  const parts: string[] = [];
  const groups: number[] = [];
  let atom = -1; // index in `parts` of what a repetition would apply to
  let assertion = false; // that atom is empty-width (`^`, `$`, `\b`…)
  let repeated = false; // the last token was a repetition
  const push = (text: string, emptyWidth = false) => {
    parts.push(text);
    atom = parts.length - 1;
    assertion = emptyWidth;
    repeated = false;
  };
  const repeat = (operator: string) => {
    let text = operator;
    if (reader.peek() === '?') {
      reader.i++;
      text += '?';
    }
    // Perl (and Go) reject stacked repetitions such as `a**`.
    if (repeated) reader.fail('invalid nested repetition operator');
    if (atom < 0) reader.fail('missing argument to repetition operator');
    // Go repeats an empty-width assertion (`^{2}`); JS only accepts it inside a group.
    if (assertion) parts[atom] = `(?:${parts[atom] ?? ''})`;
    parts.push(text);
    repeated = true;
  };
  for (let c = reader.peek(); c !== undefined; c = reader.peek()) {
    if (c === '(') {
      reader.i++;
      groups.push(parts.length);
      parts.push('(?:');
      atom = -1;
      repeated = false;
    } else if (c === ')') {
      reader.i++;
      const start = groups.pop();
      if (start === undefined) reader.fail('unexpected )');
      push(`${parts.splice(start).join('')})`);
    } else if (c === '|') {
      reader.i++;
      parts.push('|');
      atom = -1;
      repeated = false;
    } else if (c === '*' || c === '+' || c === '?') {
      reader.i++;
      repeat(c);
    } else if (c === '{' && repeatBounds(reader)) {
      const bounds = repeatBounds(reader) ?? { text: '', min: 0, max: 0 };
      if (bounds.min > 1000 || bounds.max > 1000 || (bounds.max >= 0 && bounds.min > bounds.max)) reader.fail('invalid repeat count');
      reader.i += bounds.text.length;
      repeat(bounds.text);
    } else if (c === '^' || c === '$') {
      reader.i++;
      push(c, true);
    } else if (c === '.') {
      reader.i++;
      push('[^\\n]'); // Go's `.` excludes only \n; JS's also \r, U+2028 and U+2029
    } else if (c === '[') {
      push(charClass(reader));
    } else if (c === '\\') {
      const escaped = backslash(reader);
      for (const text of escaped.parts) push(text, escaped.assertion);
    } else {
      reader.i++;
      push(point(c.codePointAt(0) ?? 0)); // includes a `{` that is not a repetition, and `}`
    }
  }
  if (groups.length > 0) reader.fail('missing closing )');
  try {
    return new RegExp(parts.join(''), 'u');
  } catch (error) {
    throw new GoRegexpError(`error parsing regexp: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A backslash outside a class: assertions, `\Q…\E`, Unicode and Perl classes, then single characters. */
function backslash(reader: Reader): { parts: string[]; assertion: boolean } {
  const next = reader.peek(1);
  const assertions: Record<string, string> = { A: '^', z: '$', b: '\\b', B: '\\B' };
  const assertion = next === undefined ? undefined : assertions[next];
  if (assertion) {
    reader.i += 2;
    return { parts: [assertion], assertion: true };
  }
  if (next === 'C') reader.fail('invalid escape sequence `\\C`');
  if (next === 'Q') {
    const rest = reader.s.slice(reader.i + 2).join('');
    const end = rest.indexOf('\\E');
    const literal = end < 0 ? rest : rest.slice(0, end);
    reader.i += 2 + Array.from(literal).length + (end < 0 ? 0 : 2);
    return { parts: Array.from(literal, (ch) => point(ch.codePointAt(0) ?? 0)), assertion: false };
  }
  if (next === 'p' || next === 'P') {
    const { source, negated } = unicodeClass(reader);
    return { parts: [`[${negated ? '^' : ''}${source}]`], assertion: false };
  }
  const perl = next === undefined ? undefined : perlClasses[next.toLowerCase()];
  if (perl && next) {
    reader.i += 2;
    return { parts: [`[${next === next.toLowerCase() ? '' : '^'}${rangesSource(perl)}]`], assertion: false };
  }
  return { parts: [point(escapedChar(reader))], assertion: false };
}
