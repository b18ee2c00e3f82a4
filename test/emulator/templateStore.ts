import { invalidField, notFound } from './apiError';
import type { TemplateRecord } from './state';
import { relativePath } from './urls';
import type { World } from './world';

/** A template reference split into where it lives: `global` or `regions/<r>`. */
export interface TemplateRef {
  project: string;
  scope: string;
  name: string;
}

/**
 * Accepts what clients send: a full URL, `projects/p/global/instanceTemplates/t`,
 * `global/instanceTemplates/t`, the regional forms, or a bare name (global, in `project`).
 */
export function parseTemplateRef(project: string, reference: string): TemplateRef {
  const path = relativePath(reference);
  const full = /^projects\/([^/]+)\/(global|regions\/[^/]+)\/instanceTemplates\/([^/]+)$/.exec(path);
  if (full) return { project: full[1] as string, scope: full[2] as string, name: full[3] as string };
  const partial = /^(global|regions\/[^/]+)\/instanceTemplates\/([^/]+)$/.exec(path);
  if (partial) return { project, scope: partial[1] as string, name: partial[2] as string };
  if (/^[a-z][-a-z0-9]*$/.test(path)) return { project, scope: 'global', name: path };
  throw invalidField('instanceTemplate', reference, 'Invalid instance template reference.');
}

export function templatePath(ref: TemplateRef): string {
  return `projects/${ref.project}/${ref.scope}/instanceTemplates/${ref.name}`;
}

export function findTemplate(world: World, project: string, reference: string): TemplateRecord {
  const ref = parseTemplateRef(project, reference);
  const record = world.projects.get(ref.project).templates.get(ref.scope)?.get(ref.name);
  if (!record) throw notFound(templatePath(ref));
  return record;
}
