/** Every rendering of one parsed declaration (DESIGN §2). Renderers expect a declaration without errors. */
import { shellCommand } from '../../shell';
import type { Declaration } from '../model';
import { renderCloudInit } from './cloudInit';
import { dockerRunArgs } from './dockerRun';
import { renderGcloud } from './gcloud';
import { renderKonlet } from './konlet';
import { renderKubernetes } from './kubernetes';
import { renderStartupScript } from './startupScript';

export const renderTargets = ['konlet', 'cloud-init', 'startup-script', 'docker-run', 'kubernetes', 'gcloud'] as const;
export type RenderTarget = (typeof renderTargets)[number];

export interface RenderOptions {
  /** Instance, template or Deployment name, where the rendering needs one. */
  name?: string;
}

export function renderDeclaration(declaration: Declaration, target: RenderTarget, options: RenderOptions = {}): string {
  const spec = declaration.spec ?? {};
  const name = options.name ?? spec.containers?.[0]?.name ?? 'cosvm-app';
  switch (target) {
    case 'konlet':
      return renderKonlet(declaration);
    case 'cloud-init':
      return renderCloudInit(spec);
    case 'startup-script':
      return renderStartupScript(spec);
    case 'docker-run':
      return (spec.containers ?? []).map((_c, index) => `${shellCommand(['docker', ...dockerRunArgs(spec, index, 'detached')])}\n`).join('');
    case 'kubernetes':
      return renderKubernetes(spec, name.toLowerCase());
    case 'gcloud':
      return renderGcloud(spec, name);
  }
}
