import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** A value of the active gcloud configuration, e.g. `core`/`project` or `core`/`account`; undefined without gcloud. */
export async function gcloudConfigValue(section: string, key: string): Promise<string | undefined> {
  const configDir = process.env['CLOUDSDK_CONFIG'] ?? path.join(os.homedir(), '.config', 'gcloud');
  try {
    const active = (await readFile(path.join(configDir, 'active_config'), 'utf8').catch(() => 'default')).trim() || 'default';
    const text = await readFile(path.join(configDir, 'configurations', `config_${active}`), 'utf8');
    let current = '';
    for (const line of text.split(/\r?\n/)) {
      const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
      if (header) current = header[1] ?? '';
      const value = /^\s*([\w-]+)\s*=\s*(\S+)\s*$/.exec(line);
      if (current === section && value?.[1] === key && value[2]) return value[2];
    }
  } catch {
    // no gcloud configuration
  }
  return undefined;
}
