/**
 * The deploy profile, `cosvm.yaml` at the workspace root: what to build, which declaration to deploy, and where.
 * Read with positions so every problem points at its line; the JSON schema (`profileJsonSchema`) is contributed
 * for `cosvm.yaml` so the Red Hat YAML extension helps too. Paths are relative to the profile's folder.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Range } from '../declaration/model';

export type DeployMode = 'cloud-init' | 'startup-script' | 'konlet';
export const deployModes: readonly DeployMode[] = ['cloud-init', 'startup-script', 'konlet'];

export interface BuildSpec {
  /** Build context, relative to the profile; default `.`. */
  context: string;
  /** Relative to the context; default `Dockerfile`. */
  dockerfile: string;
  args: Record<string, string>;
  target: string | undefined;
  platform: string | undefined;
  /** Repository to push to, without tag: `REGION-docker.pkg.dev/PROJECT/REPO/IMAGE`, `gcr.io/P/I`, `host:port/repo`. */
  image: string;
}

export interface InstanceTarget {
  kind: 'instance';
  /** What the user calls it (the QuickPick label); defaults to the instance name. */
  label: string;
  project: string;
  zone: string;
  name: string;
  machineType: string;
  mode: DeployMode;
}

export interface MigTarget {
  kind: 'mig';
  label: string;
  project: string;
  /** `zones/Z` or `regions/R`. */
  location: string;
  name: string;
  /** Prefix of the templates we create (`<prefix>-<time>`); defaults to the MIG name. */
  templatePrefix: string;
  size: number;
  machineType: string;
  mode: DeployMode;
}

export type DeployTarget = InstanceTarget | MigTarget;

export interface DeployProfile {
  build: BuildSpec | undefined;
  /** The declaration file, relative to the profile. */
  declaration: string;
  targets: DeployTarget[];
}

export interface ProfileProblem {
  message: string;
  range: Range;
}

export const profileFileName = 'cosvm.yaml';

/** A scalar's value as text (null as ''). */
function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : '';
}

const namePattern = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Reads a profile; `profile` is undefined when a problem makes it unusable. */
export function parseProfile(text: string): { profile: DeployProfile | undefined; problems: ProfileProblem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const problems: ProfileProblem[] = [];
  const rangeOf = (node: Node | null | undefined): Range => {
    const [start, end] = node?.range ?? [0, 0];
    const at = (offset: number) => {
      const { line, col } = lineCounter.linePos(offset);
      return { line: line - 1, character: col - 1 };
    };
    return { start: at(start), end: at(end) };
  };
  for (const error of document.errors) {
    const [start, end] = error.pos;
    const at = (offset: number) => {
      const { line, col } = lineCounter.linePos(offset);
      return { line: line - 1, character: col - 1 };
    };
    problems.push({ message: `YAML: ${error.message.split('\n')[0] ?? error.message}`, range: { start: at(start), end: at(end) } });
  }
  if (problems.length > 0) return { profile: undefined, problems };
  const root = document.contents;
  if (!isMap(root)) return { profile: undefined, problems: [{ message: `${profileFileName} must be a map with build, declaration and targets.`, range: rangeOf(root) }] };

  const problem = (node: Node | null | undefined, message: string) => problems.push({ message, range: rangeOf(node) });
  const known = (map: Node, keys: readonly string[], where: string) => {
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!keys.includes(key)) problem(pair.key as Node, `Unknown key "${key}" in ${where}; expected one of: ${keys.join(', ')}.`);
    }
  };
  const field = (map: Node | null | undefined, key: string): Node | undefined => (isMap(map) ? map.get(key, true) : undefined);
  const text_ = (map: Node | null | undefined, key: string, where: string, options: { required?: boolean; pattern?: RegExp; hint?: string } = {}): string | undefined => {
    const node = field(map, key);
    if (node === undefined || (isScalar(node) && node.value === null)) {
      if (options.required) problem(map, `${where} needs "${key}".`);
      return undefined;
    }
    if (!isScalar(node) || typeof node.value === 'object') {
      problem(node, `"${key}" must be a string.`);
      return undefined;
    }
    const value = scalarText(node.value);
    if (options.pattern && !options.pattern.test(value)) problem(node, `"${value}" is not a valid ${key}${options.hint ? `: ${options.hint}` : '.'}`);
    return value;
  };
  const mode = (map: Node | null | undefined): DeployMode => {
    const value = text_(map, 'mode', 'target') ?? 'cloud-init';
    if (!deployModes.includes(value as DeployMode)) {
      problem(field(map, 'mode'), `mode must be one of ${deployModes.join(', ')}.`);
      return 'cloud-init';
    }
    return value as DeployMode;
  };

  known(root, ['build', 'declaration', 'targets'], profileFileName);
  let build: BuildSpec | undefined;
  const buildNode = field(root, 'build');
  if (buildNode !== undefined) {
    known(buildNode, ['context', 'dockerfile', 'args', 'target', 'platform', 'image'], 'build');
    const args: Record<string, string> = {};
    const argsNode = field(buildNode, 'args');
    if (argsNode !== undefined && !isMap(argsNode)) problem(argsNode, 'build.args must be a map of NAME: value.');
    if (isMap(argsNode)) for (const pair of argsNode.items) if (isScalar(pair.key)) args[scalarText(pair.key.value)] = isScalar(pair.value) ? scalarText(pair.value.value) : '';
    const image = text_(buildNode, 'image', 'build', { required: true, pattern: /^[a-z0-9]([a-z0-9._:/-]*[a-z0-9])?$/, hint: 'a repository without tag or digest, such as us-docker.pkg.dev/PROJECT/REPO/IMAGE' });
    if (image && /@|:[^/]*$/.test(image.replace(/^[^/]*\//, ''))) problem(field(buildNode, 'image'), 'build.image is the repository only: cosvm tags each build and deploys it by digest.');
    build = {
      context: text_(buildNode, 'context', 'build') ?? '.',
      dockerfile: text_(buildNode, 'dockerfile', 'build') ?? 'Dockerfile',
      args,
      target: text_(buildNode, 'target', 'build'),
      platform: text_(buildNode, 'platform', 'build', { pattern: /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, hint: 'such as linux/amd64' }),
      image: image ?? '',
    };
  }
  const declaration = text_(root, 'declaration', profileFileName, { required: true }) ?? '';

  const targets: DeployTarget[] = [];
  const targetsNode = field(root, 'targets');
  if (!isSeq(targetsNode)) problem(targetsNode ?? root, `${profileFileName} needs "targets": a list of instance or mig entries.`);
  else {
    for (const item of targetsNode.items as Node[]) {
      if (!isMap(item)) {
        problem(item, 'Each target is a map with "instance" or "mig".');
        continue;
      }
      known(item, ['label', 'instance', 'mig'], 'a target');
      const label = text_(item, 'label', 'target');
      const instance = field(item, 'instance');
      const mig = field(item, 'mig');
      if ((instance === undefined) === (mig === undefined)) {
        problem(item, 'A target has exactly one of "instance" or "mig".');
        continue;
      }
      const common = (node: Node) => ({
        project: text_(node, 'project', 'the target', { required: true, pattern: /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, hint: 'a project id' }) ?? '',
        name: text_(node, 'name', 'the target', { required: true, pattern: namePattern, hint: 'lower-case letters, digits and dashes, starting with a letter' }) ?? '',
        machineType: text_(node, 'machineType', 'the target') ?? 'e2-small',
        mode: mode(node),
      });
      if (instance !== undefined) {
        known(instance, ['project', 'zone', 'name', 'machineType', 'mode'], 'instance');
        const base = common(instance);
        const zone = text_(instance, 'zone', 'instance', { required: true, pattern: /^[a-z]+-[a-z]+\d+-[a-z]$/, hint: 'such as us-central1-a' }) ?? '';
        targets.push({ kind: 'instance', label: label ?? base.name, zone, ...base });
      } else if (mig !== undefined) {
        known(mig, ['project', 'zone', 'region', 'name', 'templatePrefix', 'size', 'machineType', 'mode'], 'mig');
        const base = common(mig);
        const zone = text_(mig, 'zone', 'mig', { pattern: /^[a-z]+-[a-z]+\d+-[a-z]$/, hint: 'such as us-central1-a' });
        const region = text_(mig, 'region', 'mig', { pattern: /^[a-z]+-[a-z]+\d+$/, hint: 'such as us-central1' });
        if ((zone === undefined) === (region === undefined)) problem(mig, 'A mig target has exactly one of "zone" or "region".');
        const sizeNode = field(mig, 'size');
        const size = sizeNode === undefined ? 1 : isScalar(sizeNode) && Number.isInteger(sizeNode.value) && (sizeNode.value as number) >= 0 ? (sizeNode.value as number) : NaN;
        if (Number.isNaN(size)) problem(sizeNode, 'size must be a whole number, 0 or more.');
        if (base.mode === 'konlet') problem(field(mig, 'mode'), 'New templates cannot use konlet: Google shut the container startup agent down for new VMs on 2026-07-31. Use cloud-init.');
        const templatePrefix = text_(mig, 'templatePrefix', 'mig', { pattern: /^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$/, hint: 'at most 42 characters, so a time suffix fits' }) ?? base.name.slice(0, 42);
        targets.push({ kind: 'mig', label: label ?? base.name, location: zone ? `zones/${zone}` : `regions/${region ?? ''}`, templatePrefix, size: Number.isNaN(size) ? 1 : size, ...base });
      }
    }
  }
  return { profile: problems.length === 0 ? { build, declaration, targets } : undefined, problems };
}

/** A stable key for a target's history: `instance:p/z/name` or `mig:p/zones/z/name`. */
export function targetKey(target: DeployTarget): string {
  return target.kind === 'instance' ? `instance:${target.project}/${target.zone}/${target.name}` : `mig:${target.project}/${target.location}/${target.name}`;
}

/** The JSON schema contributed for `cosvm.yaml` (yamlValidation); parseProfile stays the authority. */
export function profileJsonSchema(): Record<string, unknown> {
  const mode = { enum: [...deployModes], default: 'cloud-init', markdownDescription: 'How the VM runs the declaration: `cloud-init` (default), `startup-script`, or `konlet` (only for VMs that already use it).' };
  const common = {
    project: { type: 'string', markdownDescription: 'Google Cloud project id.' },
    name: { type: 'string', markdownDescription: 'Instance or MIG name.' },
    machineType: { type: 'string', default: 'e2-small', markdownDescription: 'Machine type for new VMs.' },
    mode,
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://cosvm.dev/schemas/profile.json',
    title: 'cosvm deploy profile',
    type: 'object',
    required: ['declaration', 'targets'],
    additionalProperties: false,
    properties: {
      build: {
        type: 'object',
        required: ['image'],
        additionalProperties: false,
        properties: {
          context: { type: 'string', default: '.', markdownDescription: 'Build context, relative to this file.' },
          dockerfile: { type: 'string', default: 'Dockerfile', markdownDescription: 'Dockerfile, relative to the context.' },
          args: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] }, markdownDescription: 'Build arguments (`--build-arg`).' },
          target: { type: 'string', markdownDescription: 'Build stage (`--target`).' },
          platform: { type: 'string', markdownDescription: 'Platform, such as `linux/amd64`.' },
          image: { type: 'string', markdownDescription: 'Repository to push to, without tag: `REGION-docker.pkg.dev/PROJECT/REPO/IMAGE`, `gcr.io/PROJECT/IMAGE` or any registry.' },
        },
      },
      declaration: { type: 'string', markdownDescription: 'The container declaration file, relative to this file.' },
      targets: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            label: { type: 'string' },
            instance: { type: 'object', additionalProperties: false, required: ['project', 'zone', 'name'], properties: { ...common, zone: { type: 'string' } } },
            mig: {
              type: 'object',
              additionalProperties: false,
              required: ['project', 'name'],
              properties: { ...common, zone: { type: 'string' }, region: { type: 'string' }, templatePrefix: { type: 'string' }, size: { type: 'integer', minimum: 0, default: 1 } },
            },
          },
        },
      },
    },
  };
}
