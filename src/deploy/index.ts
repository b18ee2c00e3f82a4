import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { RenderPreviews } from '../declaration/RenderPreviews';
import type { Explorer } from '../explorer';
import type { SshConnections } from '../ssh';
import { registerDeployCommands } from './commands';
import { DeployPipeline } from './pipeline';
import { profileDiagnostics } from './ProfileDiagnostics';

/** Build → push → deploy by digest, with history and rollback, Run Locally and the konlet migration. */
export function register(ctx: Ctx, connections: SshConnections, explorer: Explorer): DeployPipeline {
  const pipeline = ctx.own(new DeployPipeline(ctx, connections));
  ctx.own(profileDiagnostics());
  // The migration's before/after metadata: read-only documents, never "unsaved".
  const previews = ctx.own(new RenderPreviews('cosvm-preview'));
  ctx.own(vscode.workspace.registerTextDocumentContentProvider(previews.scheme, previews));
  registerDeployCommands(ctx, pipeline, explorer.targetInstance, previews);
  return pipeline;
}
