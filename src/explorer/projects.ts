import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Config } from '../config';

/** The project of the active gcloud configuration (`[core] project = …`), if gcloud is set up. */
export async function gcloudProject(): Promise<string | undefined> {
  const configDir = process.env['CLOUDSDK_CONFIG'] ?? path.join(os.homedir(), '.config', 'gcloud');
  try {
    const active = (await readFile(path.join(configDir, 'active_config'), 'utf8').catch(() => 'default')).trim() || 'default';
    const text = await readFile(path.join(configDir, 'configurations', `config_${active}`), 'utf8');
    let section = '';
    for (const line of text.split(/\r?\n/)) {
      const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
      if (header) section = header[1] ?? '';
      const value = /^\s*project\s*=\s*(\S+)\s*$/.exec(line);
      if (section === 'core' && value?.[1]) return value[1];
    }
  } catch {
    // no gcloud configuration
  }
  return undefined;
}

/** Projects to show: the setting, else the gcloud config's project (read once), else none (welcome view). */
export class ProjectSource {
  private fromGcloud: string | undefined;

  constructor(private readonly config: Config) {}

  async init(): Promise<void> {
    this.fromGcloud = await gcloudProject();
  }

  projects(): string[] {
    const configured = this.config.projects;
    if (configured.length > 0) return configured;
    return this.fromGcloud ? [this.fromGcloud] : [];
  }
}
