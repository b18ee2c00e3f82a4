/**
 * `cosvm`, the command line for CI pipelines, on the same core as the extension.
 *   cosvm validate [--mode konlet|cloud-init] [--json] FILE...   exit 0: no errors, 1: errors, 2: usage or I/O
 *   cosvm render --to TARGET [--name NAME] [--mode MODE] FILE     prints the rendering to stdout
 */
import { readFile } from 'node:fs/promises';
import type { DeclarationDiagnostic, DeclarationMode } from './core/declaration/model';
import { detectMode } from './core/declaration/mode';
import { parseDeclaration } from './core/declaration/parse';
import { renderDeclaration, renderTargets, type RenderTarget } from './core/declaration/render';
import { validateParsed } from './core/declaration/validate';

const usage = `Usage:
  cosvm validate [--mode konlet|cloud-init] [--json] FILE...
  cosvm render --to ${renderTargets.join('|')} [--name NAME] [--mode konlet|cloud-init] FILE`;

class UsageError extends Error {}

interface Options {
  command: string;
  files: string[];
  /** Undefined: what each file asks for (detectMode), else cloud-init. */
  mode: DeclarationMode | undefined;
  json: boolean;
  to?: RenderTarget;
  name?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const [command, ...rest] = argv;
  if (command !== 'validate' && command !== 'render') throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.');
  const options: Options = { command, files: [], mode: undefined, json: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    if (flag === '--json') options.json = true;
    else if (flag === '--mode') {
      const mode = value();
      if (mode !== 'konlet' && mode !== 'cloud-init') throw new UsageError(`--mode must be konlet or cloud-init, not "${mode}".`);
      options.mode = mode;
    } else if (flag === '--to') {
      const to = value();
      if (!(renderTargets as readonly string[]).includes(to)) throw new UsageError(`--to must be one of ${renderTargets.join(', ')}, not "${to}".`);
      options.to = to as RenderTarget;
    } else if (flag === '--name') options.name = value();
    else if (flag === '--help' || flag === '-h') throw new UsageError('');
    else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`Unknown option "${flag}".`);
    else options.files.push(arg);
  }
  if (options.files.length === 0) throw new UsageError('No file given.');
  if (command === 'render' && (!options.to || options.files.length !== 1)) throw new UsageError('render needs --to and exactly one file.');
  return options;
}

function formatDiagnostic(file: string, d: DeclarationDiagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]`;
}

async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  return readFile(file, 'utf8');
}

async function main(argv: readonly string[]): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message ? `cosvm: ${error.message}\n` : ''}${usage}\n`);
    return 2;
  }
  const results: { file: string; diagnostics: DeclarationDiagnostic[]; text: string }[] = [];
  for (const file of options.files) {
    let text: string;
    try {
      text = await readInput(file);
    } catch (error) {
      process.stderr.write(`cosvm: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      return 2;
    }
    const parsed = parseDeclaration(text);
    const diagnostics = validateParsed(parsed, { mode: options.mode ?? detectMode(text) ?? 'cloud-init' });
    results.push({ file, diagnostics, text });
    if (options.command === 'render') {
      const errors = diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        for (const d of errors) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
        process.stderr.write(`cosvm: ${file} has errors; nothing rendered.\n`);
        return 1;
      }
      process.stdout.write(renderDeclaration(parsed.declaration, options.to ?? 'cloud-init', options.name ? { name: options.name } : {}));
      return 0;
    }
  }
  if (options.json) {
    const out = results.map(({ file, diagnostics }) => ({
      file,
      diagnostics: diagnostics.map(({ severity, code, message, range }) => ({ severity, code, message, range })),
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    for (const { file, diagnostics } of results) for (const d of diagnostics) process.stdout.write(`${formatDiagnostic(file, d)}\n`);
  }
  return results.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cosvm: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
