import { invalidField } from './apiError';
import { isRecord } from './json';

/**
 * A small subset of Compute's list `filter` (REST reference, instances.list):
 * - comparisons `field = v`, `!=`, `:` (has; `labels.k:*` = key present), `<`, `>`, `<=`, `>=`, joined by
 *   `AND` / `OR` / adjacency (= AND), `NOT`, parentheses: `status = RUNNING`, `labels.env = prod`;
 * - the regular-expression form `name eq "web-.*"`, `(name ne x.*)(status eq RUNNING)`: RE2 (here JS)
 *   patterns that must match the whole field.
 * Fields are dotted paths into the resource JSON; a list field matches when any element does. URL-valued
 * fields (zone, machineType) also match their last segment, a convenience the real API does not offer.
 */
export type Predicate = (resource: unknown) => boolean;

const always: Predicate = () => true;

export function parseFilter(text: string): Predicate {
  const trimmed = text.trim();
  if (trimmed === '') return always;
  const fail = () => invalidField('filter', text, 'Invalid list filter expression.');
  const regexForm = parseRegexForm(trimmed);
  if (regexForm === 'not-regex') {
    const parser = new Parser(tokenize(trimmed, fail), fail);
    return parser.parseAll();
  }
  if (!regexForm) throw fail();
  return regexForm;
}

/** Values at a dotted path; lists fan out. */
function valuesAt(resource: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [resource];
  for (const key of path) {
    const next: unknown[] = [];
    for (const value of current) {
      const items = Array.isArray(value) ? (value as unknown[]) : [value];
      for (const item of items) if (isRecord(item) && key in item) next.push(item[key]);
    }
    current = next;
  }
  return current.flatMap((value) => (Array.isArray(value) ? (value as unknown[]) : [value]));
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

// ---- regular-expression form ----------------------------------------------------------------------

const REGEX_TERM = /\s*\(\s*([\w.]+)\s+(eq|ne)\s+('[^']*'|"[^"]*"|[^)]*?)\s*\)\s*/y;
const REGEX_SINGLE = /^([\w.]+)\s+(eq|ne)\s+('[^']*'|"[^"]*"|.+?)$/;

function unquote(literal: string): string {
  const first = literal[0];
  return (first === '"' || first === "'") && literal.endsWith(first) && literal.length >= 2 ? literal.slice(1, -1) : literal;
}

function regexPredicate(field: string, op: string, literal: string): Predicate | undefined {
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${unquote(literal)})$`);
  } catch {
    return undefined;
  }
  const path = field.split('.');
  const matches: Predicate = (resource) => valuesAt(resource, path).some((value) => {
    const text = asText(value);
    return text !== undefined && pattern.test(text);
  });
  return op === 'eq' ? matches : (resource) => !matches(resource);
}

/** The regex form's predicate, `'not-regex'` for the other syntax, or undefined when it is malformed. */
function parseRegexForm(text: string): Predicate | 'not-regex' | undefined {
  const single = REGEX_SINGLE.exec(text);
  if (single && !text.startsWith('(')) return regexPredicate(single[1] as string, single[2] as string, single[3] as string);
  if (!/^\(\s*[\w.]+\s+(eq|ne)\s/.test(text)) return 'not-regex';
  const predicates: Predicate[] = [];
  REGEX_TERM.lastIndex = 0;
  while (REGEX_TERM.lastIndex < text.length) {
    const match = REGEX_TERM.exec(text);
    if (!match) return undefined;
    const predicate = regexPredicate(match[1] as string, match[2] as string, match[3] as string);
    if (!predicate) return undefined;
    predicates.push(predicate);
  }
  return (resource) => predicates.every((predicate) => predicate(resource));
}

// ---- comparison form ------------------------------------------------------------------------------

type Token = { kind: 'op'; text: string } | { kind: 'word'; text: string; quoted: boolean } | { kind: 'paren'; text: '(' | ')' };

function tokenize(text: string, fail: () => Error): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (/\s/.test(char)) {
      i++;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: 'paren', text: char });
      i++;
    } else if (char === '"' || char === "'") {
      const end = text.indexOf(char, i + 1);
      if (end < 0) throw fail();
      tokens.push({ kind: 'word', text: text.slice(i + 1, end), quoted: true });
      i = end + 1;
    } else {
      const op = /^(!=|<=|>=|=|:|<|>)/.exec(text.slice(i));
      if (op) {
        tokens.push({ kind: 'op', text: op[1] as string });
        i += (op[1] as string).length;
      } else {
        const word = /^[^\s()=!<>:"']+/.exec(text.slice(i));
        if (!word) throw fail();
        tokens.push({ kind: 'word', text: word[0], quoted: false });
        i += word[0].length;
      }
    }
  }
  return tokens;
}

function compare(op: string, expected: string, wildcard: boolean): (value: unknown) => boolean {
  if (op === ':' && expected === '*') return (value) => value !== undefined && value !== null;
  if (op === '<' || op === '>' || op === '<=' || op === '>=') {
    return (value) => {
      const text = asText(value);
      if (text === undefined) return false;
      const [a, b] = Number.isFinite(Number(text)) && Number.isFinite(Number(expected)) ? [Number(text), Number(expected)] : [text, expected];
      return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
    };
  }
  const pattern = wildcard ? new RegExp(`^${expected.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`) : undefined;
  const equals = (text: string) => (pattern ? pattern.test(text) : text === expected) || (text.includes('/') && text.slice(text.lastIndexOf('/') + 1) === expected);
  if (op === ':') return (value) => asText(value)?.includes(expected) ?? false;
  return (value) => {
    const text = asText(value);
    return text !== undefined && equals(text);
  };
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[], private readonly fail: () => Error) {}

  parseAll(): Predicate {
    const predicate = this.parseOr();
    if (this.index !== this.tokens.length) throw this.fail();
    return predicate;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private isKeyword(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && !token.quoted && token.text === text;
  }

  private parseOr(): Predicate {
    const parts = [this.parseAnd()];
    while (this.isKeyword('OR')) {
      this.index++;
      parts.push(this.parseAnd());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (resource) => parts.some((part) => part(resource));
  }

  private parseAnd(): Predicate {
    const parts = [this.parseUnary()];
    for (;;) {
      if (this.isKeyword('AND')) {
        this.index++;
      } else {
        const next = this.peek();
        if (!next || next.text === ')' || this.isKeyword('OR')) break;
      }
      parts.push(this.parseUnary());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (resource) => parts.every((part) => part(resource));
  }

  private parseUnary(): Predicate {
    if (this.isKeyword('NOT')) {
      this.index++;
      const inner = this.parseUnary();
      return (resource) => !inner(resource);
    }
    const token = this.peek();
    if (token?.kind === 'paren' && token.text === '(') {
      this.index++;
      const inner = this.parseOr();
      const close = this.peek();
      if (close?.kind !== 'paren' || close.text !== ')') throw this.fail();
      this.index++;
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): Predicate {
    const field = this.tokens[this.index];
    const op = this.tokens[this.index + 1];
    const value = this.tokens[this.index + 2];
    if (field?.kind !== 'word' || field.quoted || op?.kind !== 'op' || value?.kind !== 'word') throw this.fail();
    this.index += 3;
    const path = field.text.split('.');
    const test = compare(op.text, value.text, !value.quoted && value.text.includes('*'));
    if (op.text === '!=') {
      const equal = compare('=', value.text, !value.quoted && value.text.includes('*'));
      return (resource) => !valuesAt(resource, path).some(equal);
    }
    return (resource) => valuesAt(resource, path).some(test);
  }
}
