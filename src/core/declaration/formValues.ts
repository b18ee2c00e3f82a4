/**
 * Form values as YAML source text (used by formEdits.ts). A string is written plain only when both
 * YAML 1.1 (konlet's yaml.v2) and YAML 1.2 read the plain text back as that same string; otherwise it
 * is quoted, so `"true"`, `"on"`, `"8080"`, `"0123"`, `""` and `"null"` stay strings.
 */
import { isMap, isScalar, parseDocument, Scalar } from 'yaml';
import type { FormValue } from './formEdit';

export type QuoteStyle = 'plain' | 'single' | 'double';

const plainWord = /^[A-Za-z0-9_./=@%+()$^~!?*&<>;,[\]{}'"|`:-]+$/;

function readsBackPlain(value: string, flow: boolean): boolean {
  if (value === '' || value !== value.trim() || /\s{2}|[\t\r\n]/.test(value)) return false;
  if (!value.split(' ').every((word) => plainWord.test(word))) return false;
  // Characters that start or end something else in YAML, or break a flow collection.
  if (/^[-?:,[\]{}#&*!|>'"%@`=<~]/.test(value) && !/^-[A-Za-z_/.]/.test(value)) return false;
  if (/[:]$|: | #|['"`]/.test(value)) return false;
  if (flow && /[,[\]{}]/.test(value)) return false;
  for (const version of ['1.1', '1.2'] as const) {
    const doc = parseDocument(flow ? `[${value}]` : `k: ${value}`, { version });
    if (doc.errors.length > 0) return false;
    const root = doc.contents;
    const node = flow ? (root as { items?: unknown[] } | null)?.items?.[0] : isMap(root) ? root.items[0]?.value : undefined;
    if (!isScalar(node) || node.type !== Scalar.PLAIN || node.value !== value) return false;
  }
  return true;
}

function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A scalar's source text; `style` is the existing node's, kept when it still reads back right. */
export function scalarText(value: string | number | boolean | null, style: QuoteStyle, flow: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  // Single quotes cannot escape anything: only printable one-line text keeps them.
  if (style === 'single' && ![...value].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f) || '\u2028\u2029\ufeff'.includes(c))) return `'${value.replace(/'/g, "''")}'`;
  if (style === 'double') return doubleQuoted(value);
  return readsBackPlain(value, flow) ? value : doubleQuoted(value);
}

/** A value in flow style: `[a, b]`, `{name: A, value: "1"}`. */
export function flowText(value: FormValue): string {
  if (Array.isArray(value)) return `[${value.map(flowText).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${scalarText(k, 'plain', true)}: ${flowText(v)}`).join(', ')}}`;
  return scalarText(value, 'plain', true);
}

function mapLines(value: { [key: string]: FormValue }, pad: string): string[] {
  const lines: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const head = `${pad}${scalarText(key, 'plain', false)}:`;
    if (Array.isArray(item) && item.length > 0) {
      lines.push(head);
      for (const element of item) lines.push(...blockLines(element, `${pad}  `));
    } else if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length > 0) {
      lines.push(head, ...mapLines(item, `${pad}  `));
    } else lines.push(`${head} ${flowText(item)}`);
  }
  return lines;
}

/** A block list item `- …` at `dashPad`, as lines without line breaks. */
export function blockLines(value: FormValue, dashPad: string): string[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    const lines = mapLines(value, `${dashPad}  `);
    lines[0] = `${dashPad}- ${(lines[0] ?? '').slice(dashPad.length + 2)}`;
    return lines;
  }
  return [`${dashPad}- ${flowText(value)}`];
}
