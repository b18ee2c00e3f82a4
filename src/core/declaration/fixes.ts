/**
 * Quick fixes as minimal text edits, computed from a diagnostic's `code` and `data` and the node
 * locations of the parse (never from message text). Text outside the edited node stays as it was.
 */
import type { DeclarationDiagnostic, Range } from './model';
import type { ParsedDeclaration } from './parse';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The fix users want in the common case. */
  preferred?: boolean;
}

function lineIndent(text: string, line: number): string {
  const content = text.split(/\r?\n/)[line] ?? '';
  return /^\s*/.exec(content)?.[0] ?? '';
}

function point(line: number, character: number): Range {
  return { start: { line, character }, end: { line, character } };
}

/** Whether the item at `range` is a block list item (`- …`), not an element of a flow list. */
function isBlockItem(text: string, range: Range): boolean {
  const line = text.split(/\r?\n/)[range.start.line] ?? '';
  return /-\s+$/.test(line.slice(0, range.start.character));
}

/** A word as a YAML scalar: plain when that reads back as the same string, else double-quoted. */
function yamlWord(word: string): string {
  const plain = /^(?:-(?=\S)|[A-Za-z0-9_./=@%+])[A-Za-z0-9_./=@%+:-]*$/.test(word) && !word.endsWith(':');
  return plain && !/^(y|n|yes|no|on|off|true|false|null|~)$/i.test(word) && !/^[-+]?[0-9.]/.test(word)
    ? word
    : JSON.stringify(word);
}

/** Column of the "- " that introduces a block list item whose content starts at `range`. */
function dashColumn(text: string, range: Range): number {
  const line = text.split(/\r?\n/)[range.start.line] ?? '';
  const dash = line.lastIndexOf('-', range.start.character - 1);
  return dash >= 0 ? dash : range.start.character;
}

export function quickFixes(parsed: ParsedDeclaration, diagnostic: DeclarationDiagnostic): QuickFix[] {
  const data = diagnostic.data ?? {};
  const replacement = typeof data['replacement'] === 'string' ? data['replacement'] : undefined;
  switch (diagnostic.code) {
    case 'cosvm/wrong-case-key':
    case 'cosvm/restart-policy':
    case 'cosvm/emptydir-medium':
    case 'cosvm/fs-type':
      return replacement ? [{ title: `Change to "${replacement}"`, edits: [{ range: diagnostic.range, newText: replacement }], preferred: true }] : [];
    case 'cosvm/type-mismatch':
      return data['unquote'] === true ? [unquote(parsed, diagnostic.range)] : [];
    case 'cosvm/volume-not-found':
      return typeof data['volumeName'] === 'string' ? addVolume(parsed, data['volumeName']) : [];
    case 'cosvm/volume-unreferenced':
      return typeof data['volumeIndex'] === 'number' ? removeListItem(parsed, `spec.volumes[${data['volumeIndex']}]`, `Remove the unused volume "${String(data['volumeName'])}"`) : [];
    case 'cosvm/command-whitespace':
      return splitCommand(parsed, data);
    default:
      return [];
  }
}

function unquote(parsed: ParsedDeclaration, range: Range): QuickFix {
  const lines = parsed.text.split(/\r?\n/);
  const raw = (lines[range.start.line] ?? '').slice(range.start.character, range.start.line === range.end.line ? range.end.character : undefined);
  return { title: `Remove the quotes: konlet reads ${raw} as a string`, edits: [{ range, newText: raw.replace(/^["']|["']$/g, '') }], preferred: true };
}

function addVolume(parsed: ParsedDeclaration, name: string): QuickFix[] {
  const item = (dash: string) => [`${dash}- name: ${name}`, `${dash}  hostPath:`, `${dash}    path: /mnt/stateful_partition/${name}`];
  const volumes = parsed.locations.get('spec.volumes');
  const count = parsed.declaration.spec?.volumes?.length ?? 0;
  const last = count > 0 ? parsed.locations.get(`spec.volumes[${count - 1}]`) : undefined;
  let edit: TextEdit;
  if (volumes && last) {
    // A flow list (`volumes: [...]`) keeps its shape; the user adds to it by hand.
    if (!isBlockItem(parsed.text, last.value)) return [];
    const dash = ' '.repeat(dashColumn(parsed.text, last.value));
    edit = { range: point(last.value.end.line + (last.value.end.character > 0 ? 1 : 0), 0), newText: `${item(dash).join('\n')}\n` };
  } else {
    const spec = parsed.locations.get('spec');
    const containers = parsed.locations.get('spec.containers');
    if (!spec || !containers?.key) return [];
    const keyIndent = ' '.repeat(containers.key.start.character);
    // gcloud writes list dashes at the key's indentation; follow what the containers list does.
    const firstContainer = parsed.locations.get('spec.containers[0]');
    const dash = firstContainer ? ' '.repeat(dashColumn(parsed.text, firstContainer.value)) : keyIndent;
    const volumesKey = volumes?.key;
    if (volumesKey) {
      // `volumes: []` or an empty `volumes:`: replace its value with a block list.
      edit = { range: { start: volumes.value.start, end: volumes.value.end }, newText: `\n${item(dash).join('\n')}` };
      if (volumes.value.start.line === volumesKey.start.line && volumes.value.start.character <= volumesKey.end.character) {
        edit = { range: { start: volumesKey.end, end: { line: volumesKey.end.line, character: volumesKey.end.character + 1 } }, newText: `:\n${item(dash).join('\n')}` };
      }
    } else {
      const end = spec.value.end;
      const atLineStart = end.character === 0;
      edit = { range: point(atLineStart ? end.line : end.line + 1, 0), newText: `${keyIndent}volumes:\n${item(dash).join('\n')}\n` };
      if (!atLineStart && end.line + 1 >= parsed.text.split(/\r?\n/).length) edit = { range: { start: end, end }, newText: `\n${keyIndent}volumes:\n${item(dash).join('\n')}` };
    }
  }
  return [{ title: `Add a hostPath volume "${name}" under spec.volumes`, edits: [edit], preferred: true }];
}

/** Deletes whole lines of one block list item, from its dash to the line before the next item. */
function removeListItem(parsed: ParsedDeclaration, path: string, title: string): QuickFix[] {
  const location = parsed.locations.get(path);
  // Whole-line deletion is right only for a block item; a flow list shares its line with others.
  if (!location || !isBlockItem(parsed.text, location.value)) return [];
  const start = location.value.start.line;
  const endLine = location.value.end.character === 0 ? location.value.end.line : location.value.end.line + 1;
  return [{ title, edits: [{ range: { start: { line: start, character: 0 }, end: { line: endLine, character: 0 } }, newText: '' }] }];
}

function splitCommand(parsed: ParsedDeclaration, data: Record<string, unknown>): QuickFix[] {
  const words = Array.isArray(data['words']) ? data['words'].filter((w): w is string => typeof w === 'string') : [];
  const index = typeof data['containerIndex'] === 'number' ? data['containerIndex'] : -1;
  const field = data['field'] === 'args' ? 'args' : 'command';
  const [first, ...rest] = words;
  const element = parsed.locations.get(`spec.containers[${index}].${field}[0]`);
  if (!first || !element) return [];
  // Only block lists (`- word`); a flow list keeps its one-line shape and is left to the user.
  if (!isBlockItem(parsed.text, element.value) && rest.length > 0) return [];
  // Words with quotes in them were probably meant for a shell; splitting on spaces would change them.
  if (words.some((word) => /["']/.test(word))) return [];
  if (rest.length === 0) return [{ title: 'Remove the surrounding whitespace', edits: [{ range: element.value, newText: yamlWord(first) }], preferred: true }];
  const dash = ' '.repeat(dashColumn(parsed.text, element.value));
  if (field === 'args') {
    return [{ title: `Split into ${words.length} arguments`, edits: [{ range: element.value, newText: words.map(yamlWord).join(`\n${dash}- `) }], preferred: true }];
  }
  const container = parsed.declaration.spec?.containers?.[index];
  const edits: TextEdit[] = [{ range: element.value, newText: yamlWord(first) }];
  const firstArg = parsed.locations.get(`spec.containers[${index}].args[0]`);
  if (container?.args?.length && firstArg) {
    if (!isBlockItem(parsed.text, firstArg.value)) return [];
    const argDash = ' '.repeat(dashColumn(parsed.text, firstArg.value));
    edits.push({ range: { start: firstArg.value.start, end: firstArg.value.start }, newText: `${rest.map(yamlWord).join(`\n${argDash}- `)}\n${argDash}- ` });
  } else {
    const commandKey = parsed.locations.get(`spec.containers[${index}].command`);
    const keyIndent = lineIndent(parsed.text, commandKey?.key?.start.line ?? element.value.start.line);
    const keyColumn = commandKey?.key?.start.character ?? keyIndent.length;
    const insertLine = element.value.end.line + 1;
    edits.push({ range: point(insertLine, 0), newText: `${' '.repeat(keyColumn)}args:\n${rest.map((w) => `${dash}- ${yamlWord(w)}`).join('\n')}\n` });
  }
  return [{ title: `Split into command "${first}" and ${rest.length} argument${rest.length === 1 ? '' : 's'}`, edits, preferred: true }];
}
