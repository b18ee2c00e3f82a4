import type { Config } from '../config';
import { gcloudConfigValue } from '../core/gcloudConfig';

/** The project of the active gcloud configuration (`[core] project = …`), if gcloud is set up. */
export function gcloudProject(): Promise<string | undefined> {
  return gcloudConfigValue('core', 'project');
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
