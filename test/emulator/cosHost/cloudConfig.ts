/**
 * Reads `#cloud-config` user-data the way cloud-init and systemd would for our renderer's output
 * (src/core/declaration/render/cloudInit.ts): `write_files` holds systemd units, `runcmd` starts them.
 * Only what running the containers needs is read: ExecStart=, Restart=, RestartSec=, Description=.
 */
import { parse } from 'yaml';

export type RestartMode = 'always' | 'on-failure' | 'no';

export interface UnitSpec {
  /** `cosvm-web.service` */
  name: string;
  description: string;
  /** ExecStart= split into words, systemd's quoting, `%%` and `$$` undone. */
  execStart: string[];
  restart: RestartMode;
  restartSec: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The units cloud-init would write and `runcmd` would start, in start order; undefined if not cloud-config. */
export function cloudConfigUnits(userData: string): UnitSpec[] | undefined {
  if (!/^#cloud-config[ \t]*\r?\n/.test(userData)) return undefined;
  let config: unknown;
  try {
    config = parse(userData);
  } catch {
    return [];
  }
  if (!isRecord(config)) return [];
  const written = new Map<string, UnitSpec>();
  for (const file of Array.isArray(config['write_files']) ? config['write_files'] : []) {
    if (!isRecord(file) || typeof file['path'] !== 'string' || typeof file['content'] !== 'string') continue;
    const match = /^\/etc\/systemd\/system\/([^/]+\.service)$/.exec(file['path']);
    const unit = match?.[1] ? parseUnit(match[1], file['content']) : undefined;
    if (unit) written.set(unit.name, unit);
  }
  const started: UnitSpec[] = [];
  for (const command of Array.isArray(config['runcmd']) ? config['runcmd'] : []) {
    const words = Array.isArray(command) ? command.map(String) : typeof command === 'string' ? command.trim().split(/\s+/) : [];
    if (words[0] !== 'systemctl') continue;
    const verb = words[1];
    const names = words.slice(2).filter((word) => !word.startsWith('-'));
    if (verb !== 'start' && verb !== 'restart' && !(verb === 'enable' && words.includes('--now'))) continue;
    for (const name of names) {
      const unit = written.get(name.endsWith('.service') ? name : `${name}.service`);
      if (unit && !started.includes(unit)) started.push(unit);
    }
  }
  return started;
}

/** The [Service] settings of one unit file; undefined without an ExecStart=. */
export function parseUnit(name: string, content: string): UnitSpec | undefined {
  const settings = new Map<string, string>();
  let section = '';
  // A trailing backslash continues a line (systemd.syntax(7)).
  for (const line of content.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(trimmed);
    if (header?.[1]) {
      section = header[1];
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (eq < 0) continue;
    settings.set(`${section}.${trimmed.slice(0, eq).trim()}`, trimmed.slice(eq + 1).trim());
  }
  const execStart = settings.get('Service.ExecStart');
  if (!execStart) return undefined;
  const restart = settings.get('Service.Restart');
  return {
    name,
    description: settings.get('Unit.Description') ?? name,
    // Prefixes such as `-` (ignore failure) change nothing for us.
    execStart: splitSystemdCommand(execStart.replace(/^[-@+!:]+/, '')),
    restart: restart === 'always' || restart === 'on-failure' ? restart : 'no',
    restartSec: Number.parseFloat(settings.get('Service.RestartSec') ?? '0.1') || 0.1,
  };
}

const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', s: ' ', '\\': '\\', '"': '"', "'": "'" };

/** systemd's word splitting for Exec lines: quotes, C escapes, then `%%` and `$$` as literal `%` and `$`. */
export function splitSystemdCommand(line: string): string[] {
  const text = line.replace(/%%/g, '\u0000');
  const words: string[] = [];
  let index = 0;
  while (index < text.length) {
    while (index < text.length && /\s/.test(text[index] ?? '')) index++;
    if (index >= text.length) break;
    let word = '';
    let quote: string | undefined;
    for (; index < text.length; index++) {
      const char = text[index] ?? '';
      if (quote === undefined && /\s/.test(char)) break;
      if (char === '\\') {
        const next = text[index + 1] ?? '';
        if (next === 'x') {
          word += String.fromCharCode(Number.parseInt(text.slice(index + 2, index + 4), 16));
          index += 3;
        } else {
          word += escapes[next] ?? next;
          index++;
        }
      } else if (quote === undefined && (char === '"' || char === "'")) {
        quote = char;
      } else if (char === quote) {
        quote = undefined;
      } else {
        word += char;
      }
    }
    words.push(word.split('\u0000').join('%').replace(/\$\$/g, '$'));
  }
  return words;
}
