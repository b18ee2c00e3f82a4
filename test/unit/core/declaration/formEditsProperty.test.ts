import * as assert from 'node:assert/strict';
import { applyTextEdits, formEditToTextEdits, type TextEdit } from '../../../../src/core/declaration/formEdits';
import { parseDeclaration } from '../../../../src/core/declaration/parse';
import type { FormEdit, FormPath, FormValue } from '../../../../src/core/declaration/formEdit';

/** mulberry32: seeded, so a failure replays with the printed seed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const chance = (random: Random, p: number) => random() < p;

const strings = ['true', 'on', 'off', 'yes', 'no', 'y', 'null', '~', '8080', '0123', '1e3', '0x1F', '.5', '', 'a b', 'hello from COS', 'x: y', '#x', 'a #b', "it's", '"q"', '-f', '--port=80', 'a,b', '[x]', '{y}', 'ü', 'line\nbreak', ' lead', 'trail ', '/data', 'gcr.io/p/app:1', 'Memory', 'Always', 'key=value', '*star', '&amp', '!tag', '|', '>', '@at', '%pct', '`tick`'];
const comment = (random: Random) => `# ${pick(random, ['note', 'TODO: x', 'a: b', '- item', '#', 'ü'])}`;

/** A declaration with comments in many places, flow lists, quoted scalars and both dash styles. */
function generate(random: Random): string {
  const out: string[] = [];
  const dash = chance(random, 0.5) ? '  ' : '';
  const c = (indent: string) => {
    if (chance(random, 0.25)) out.push(`${indent}${comment(random)}`);
  };
  const trail = () => (chance(random, 0.2) ? ` ${comment(random)}` : '');
  const scalar = () => pick(random, ['plain', "'single'", '"double"', '"8080"', "'on'", 'x-1', '"a b"', 'a b']);
  const list = (key: string, indent: string, n: number) => {
    if (chance(random, 0.35)) {
      out.push(`${indent}${key}: [${Array.from({ length: n }, scalar).join(', ')}]${trail()}`);
      return;
    }
    out.push(`${indent}${key}:${trail()}`);
    for (let i = 0; i < n; i++) {
      c(indent + dash);
      out.push(`${indent}${dash}- ${scalar()}${trail()}`);
    }
  };
  if (chance(random, 0.4)) out.push('# DISCLAIMER: This container declaration format is not public API and may change without notice. Please', '# use gcloud command-line tool or Google Cloud Console to run Containers on Google', '# Compute Engine.');
  if (chance(random, 0.3)) out.push('---');
  c('');
  out.push('spec:');
  c('  ');
  const containers = 1 + Math.floor(random() * 3);
  const volumes = Math.floor(random() * 4);
  out.push('  containers:');
  const ci = `  ${dash}`;
  for (let k = 0; k < containers; k++) {
    c(ci);
    const fields: string[] = ['name', 'image', 'command', 'args', 'env', 'volumeMounts', 'securityContext', 'stdin', 'tty'].filter((f) => f === 'image' || chance(random, 0.6));
    fields.forEach((field, i) => {
      const p = i === 0 ? `${ci}- ` : `${ci}  `;
      const inner = `${ci}  `;
      if (i > 0) c(inner);
      if (field === 'name') out.push(`${p}name: c${k}${trail()}`);
      else if (field === 'image') out.push(`${p}image: ${pick(random, ['gcr.io/p/app:1', "'gcr.io/p/app:2'", '"busybox"'])}${trail()}`);
      else if (field === 'stdin' || field === 'tty') out.push(`${p}${field}: ${pick(random, ['true', 'false'])}${trail()}`);
      else if (field === 'securityContext') out.push(`${p}securityContext:${trail()}`, `${inner}  privileged: ${pick(random, ['true', 'false'])}`);
      else if (field === 'command' || field === 'args') {
        if (i === 0) out.push(`${p}name: c${k}`);
        list(field, inner, 1 + Math.floor(random() * 3));
      } else {
        if (i === 0) out.push(`${p}name: c${k}`);
        const n = field === 'env' ? 1 + Math.floor(random() * 3) : Math.min(volumes, 1 + Math.floor(random() * 2));
        if (n === 0) return;
        out.push(`${inner}${field}:${trail()}`);
        for (let j = 0; j < n; j++) {
          c(inner + dash);
          if (field === 'env') {
            out.push(`${inner}${dash}- name: V${j}${trail()}`);
            if (chance(random, 0.8)) out.push(`${inner}${dash}  value: ${scalar()}${trail()}`);
          } else {
            out.push(`${inner}${dash}- name: vol${j}`, `${inner}${dash}  mountPath: /m${j}${trail()}`);
            if (chance(random, 0.4)) out.push(`${inner}${dash}  readOnly: true`);
          }
        }
      }
    });
  }
  if (volumes > 0) {
    c('  ');
    out.push('  volumes:');
    for (let j = 0; j < volumes; j++) {
      c(`  ${dash}`);
      const v = `  ${dash}  `;
      out.push(`  ${dash}- name: vol${j}${trail()}`);
      const kind = j % 3;
      if (kind === 0) out.push(`${v}hostPath:`, `${v}  path: /var/v${j}${trail()}`);
      else if (kind === 1) out.push(chance(random, 0.5) ? `${v}emptyDir: {medium: Memory}` : `${v}emptyDir:\n${v}  medium: Memory`);
      else out.push(`${v}gcePersistentDisk:`, `${v}  pdName: d${j}`, `${v}  fsType: ext4`, `${v}  partition: ${j}${trail()}`);
    }
  }
  if (chance(random, 0.6)) out.push(`  restartPolicy: ${pick(random, ['Always', 'OnFailure', '"Never"'])}${trail()}`);
  c('');
  const text = out.join('\n') + '\n';
  return chance(random, 0.2) ? text.replace(/\n/g, '\r\n') : text;
}

type Json = FormValue | undefined;

function get(root: Json, path: FormPath): Json {
  let node = root;
  for (const part of path) node = node !== null && typeof node === 'object' ? (node as Record<string | number, FormValue>)[part] : undefined;
  return node;
}

/** The edit applied to the parsed declaration; returns the path whose span the text edit may touch. */
function applyToModel(model: Record<string, FormValue>, edit: FormEdit): FormPath {
  const ensure = (path: FormPath): Record<string | number, FormValue> => {
    let node: Record<string | number, FormValue> = model;
    for (const part of path) {
      if (node[part] === undefined || node[part] === null) node[part] = {};
      node = node[part] as Record<string | number, FormValue>;
    }
    return node;
  };
  const parentPath = edit.path.slice(0, -1);
  const last = edit.path[edit.path.length - 1] as string | number;
  if (edit.kind === 'set') {
    const parent = ensure(parentPath);
    if (edit.value === null) delete parent[last];
    else parent[last] = typeof edit.value === 'number' ? Math.trunc(edit.value) : edit.value;
    return edit.path;
  }
  if (edit.kind === 'insert') {
    const parent = ensure(parentPath);
    const list = (parent[last] ??= []) as FormValue[];
    list.splice(edit.index ?? list.length, 0, edit.value);
    return edit.path;
  }
  let path = edit.path;
  for (;;) {
    const parent = get(model, path.slice(0, -1)) as Record<string | number, FormValue>;
    const key = path[path.length - 1] as string | number;
    const size = Array.isArray(parent) ? parent.length : Object.keys(parent).length;
    if (size === 1 && path.length > 1 && typeof path[path.length - 2] === 'string') {
      path = path.slice(0, -1);
      continue;
    }
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
    return path;
  }
}

/** Fields a form edits, with the value kinds they take. */
function randomEdit(random: Random, model: Record<string, FormValue>): FormEdit {
  const containers = (get(model, ['spec', 'containers']) as FormValue[] | undefined) ?? [];
  const k = Math.floor(random() * containers.length);
  const c: FormPath = ['spec', 'containers', k];
  const str = () => pick(random, strings);
  const items = (path: FormPath) => ((get(model, path) as FormValue[] | undefined) ?? []).length;
  const volumes = items(['spec', 'volumes']);
  const choices: (() => FormEdit | undefined)[] = [
    () => ({ kind: 'set', path: [...c, pick(random, ['name', 'image'])], value: str() }),
    () => ({ kind: 'set', path: [...c, pick(random, ['stdin', 'tty'])], value: chance(random, 0.5) }),
    () => ({ kind: 'set', path: [...c, 'securityContext', 'privileged'], value: chance(random, 0.5) }),
    () => ({ kind: 'set', path: ['spec', 'restartPolicy'], value: pick(random, ['Always', 'OnFailure', 'Never', 'on']) }),
    () => {
      const list = pick(random, ['args', 'command']);
      const n = items([...c, list]);
      return n > 0 ? { kind: 'set', path: [...c, list, Math.floor(random() * n)], value: str() } : undefined;
    },
    () => {
      const n = items([...c, 'env']);
      return n > 0 ? { kind: 'set', path: [...c, 'env', Math.floor(random() * n), pick(random, ['name', 'value', 'value'])], value: chance(random, 0.1) ? null : str() } : undefined;
    },
    () => {
      const n = items([...c, 'volumeMounts']);
      const field = pick(random, ['mountPath', 'readOnly']);
      return n > 0 ? { kind: 'set', path: [...c, 'volumeMounts', Math.floor(random() * n), field], value: field === 'readOnly' ? chance(random, 0.5) : str() } : undefined;
    },
    () => {
      if (volumes === 0) return undefined;
      const v = Math.floor(random() * volumes);
      const volume = get(model, ['spec', 'volumes', v]) as Record<string, FormValue>;
      if (volume['hostPath']) return { kind: 'set', path: ['spec', 'volumes', v, 'hostPath', 'path'], value: str() };
      if (volume['emptyDir']) return { kind: 'set', path: ['spec', 'volumes', v, 'emptyDir', 'medium'], value: pick(random, ['Memory', 'memory', '']) };
      const field = pick(random, ['pdName', 'fsType', 'partition']);
      return { kind: 'set', path: ['spec', 'volumes', v, 'gcePersistentDisk', field], value: field === 'partition' ? Math.floor(random() * 4) : pick(random, ['disk-2', 'ext4', 'true']) };
    },
    () => {
      const list = pick(random, ['args', 'command', 'env', 'volumeMounts']);
      const n = items([...c, list]);
      return n > 0 ? { kind: 'remove', path: [...c, list, Math.floor(random() * n)] } : undefined;
    },
    () => {
      const key = pick(random, ['name', 'image', 'args', 'env', 'stdin', 'securityContext', 'volumeMounts']);
      return get(model, [...c, key]) !== undefined ? { kind: 'remove', path: [...c, key] } : undefined;
    },
    () => (volumes > 0 ? { kind: 'remove', path: ['spec', 'volumes', Math.floor(random() * volumes)] } : undefined),
    () => (get(model, ['spec', 'restartPolicy']) !== undefined ? { kind: 'remove', path: ['spec', 'restartPolicy'] } : undefined),
    () => {
      const list = pick(random, ['args', 'command']);
      return { kind: 'insert', path: [...c, list], index: Math.floor(random() * (items([...c, list]) + 1)), value: str() };
    },
    () => {
      const entry: Record<string, FormValue> = { name: `N${Math.floor(random() * 9)}` };
      if (chance(random, 0.7)) entry['value'] = str();
      return { kind: 'insert', path: [...c, 'env'], ...(chance(random, 0.5) ? { index: Math.floor(random() * (items([...c, 'env']) + 1)) } : {}), value: entry };
    },
    () => ({ kind: 'insert', path: [...c, 'volumeMounts'], value: { name: 'vol0', mountPath: str(), readOnly: chance(random, 0.5) } }),
    () => ({
      kind: 'insert',
      path: ['spec', 'volumes'],
      value: pick<FormValue>(random, [{ name: 'n1', hostPath: { path: '/var/x' } }, { name: 'n2', emptyDir: { medium: 'Memory' } }, { name: 'n3', gcePersistentDisk: { pdName: 'd', partition: 1 } }]),
    }),
    () => ({ kind: 'insert', path: ['spec', 'containers'], value: { name: 'new', image: 'busybox', args: ['-c', 'on'], env: [{ name: 'A', value: '1' }] } }),
  ];
  for (;;) {
    const edit = pick(random, choices)();
    if (edit) return edit;
  }
}

function offset(text: string, position: { line: number; character: number }): number {
  let at = 0;
  for (let line = 0; line < position.line; line++) at = text.indexOf('\n', at) + 1;
  return at + position.character;
}

function locationKey(path: FormPath): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** The text span an edit at `path` may touch: the node (with its key) to the end of its last line. */
function allowedSpan(text: string, edit: FormEdit, target: FormPath): [number, number] {
  const parsed = parseDeclaration(text);
  // For a missing target, the nearest existing ancestor holds the insertion point.
  let path = target;
  while (path.length > 0 && !parsed.locations.get(locationKey(path))) path = path.slice(0, -1);
  const location = parsed.locations.get(locationKey(path));
  if (!location) return [0, text.length];
  const from = offset(text, location.key?.start ?? location.value.start);
  let start = text.lastIndexOf('\n', from - 1) + 1;
  let end = offset(text, location.value.end);
  const lineEnd = text.indexOf('\n', end);
  end = lineEnd < 0 ? text.length : lineEnd + 1;
  // The first key of a list item (`- name: a`) goes up to the next key, which moves up after the dash.
  if (edit.kind === 'remove') end += /^ */.exec(text.slice(end))?.[0].length ?? 0;
  // Items of a flow list also lose the comma between them.
  const parent = parsed.locations.get(locationKey(path.slice(0, -1)));
  if (edit.kind === 'remove' && parent && '[{'.includes(text[offset(text, parent.value.start)] ?? '')) {
    start = Math.min(start, offset(text, parent.value.start));
    end = Math.max(end, offset(text, parent.value.end));
  }
  if (edit.kind === 'set' && path === target && !location.key) return [offset(text, location.value.start), offset(text, location.value.end)];
  return [start, end];
}

function checkEdit(text: string, edit: FormEdit, label: string): string {
  const before = parseDeclaration(text);
  const model = structuredClone(before.declaration) as Record<string, FormValue>;
  const target = applyToModel(model, edit);
  const edits: TextEdit[] = formEditToTextEdits(text, edit);
  const [spanStart, spanEnd] = allowedSpan(text, edit, target);
  for (const e of edits) {
    assert.ok(e.start <= e.end && e.start >= spanStart && e.end <= spanEnd, `${label}: edit ${JSON.stringify(e)} outside [${spanStart}, ${spanEnd}) for ${JSON.stringify(edit)}\n${text}`);
  }
  const result = applyTextEdits(text, edits);
  // (1) Untouched prefix and suffix are byte-identical.
  const first = Math.min(...edits.map((e) => e.start));
  const last = Math.max(...edits.map((e) => e.end));
  assert.equal(result.slice(0, first), text.slice(0, first), `${label}: prefix`);
  assert.equal(result.slice(result.length - (text.length - last)), text.slice(last), `${label}: suffix`);
  // (2) Still valid YAML.
  const after = parseDeclaration(result);
  const syntax = after.diagnostics.filter((d) => d.code === 'cosvm/yaml-syntax');
  assert.deepEqual(syntax, [], `${label}: syntax error after ${JSON.stringify(edit)}\n--- before\n${text}\n--- after\n${result}`);
  // (3) The edited value is there and nothing else changed.
  assert.deepEqual(after.declaration, model, `${label}: ${JSON.stringify(edit)}\n--- before\n${text}\n--- after\n${result}`);
  assert.equal(/\r\n/.test(text), /\r\n/.test(result), `${label}: line ends`);
  return result;
}

describe('form edits property', function () {
  this.timeout(30_000);

  it('1,000 random form edits on commented declarations touch only their node and read back as edited', () => {
    const seed = Number(process.env['COSVM_FORM_SEED'] ?? 20261124);
    console.log(`      seed ${seed}`);
    const random = prng(seed);
    let text = '';
    const started = Date.now();
    for (let i = 0; i < 1000; i++) {
      // A fresh document every 10 edits; in between, edits pile up on the same one.
      if (i % 10 === 0) text = generate(random);
      const model = parseDeclaration(text).declaration as Record<string, FormValue>;
      const edit = randomEdit(random, model);
      text = checkEdit(text, edit, `seed ${seed}, edit ${i}`);
    }
    console.log(`      1000 edits in ${Date.now() - started} ms`);
  });
});
