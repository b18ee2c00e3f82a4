import type { Ctx } from '../ctx';
import type { Explorer } from '../explorer';
import type { SshConnections } from '../ssh';
import { registerDeployCommands } from './commands';
import { DeployPipeline } from './pipeline';
import { profileDiagnostics } from './ProfileDiagnostics';

/** Build → push → deploy by digest, with history and rollback, Run Locally and the konlet migration. */
export function register(ctx: Ctx, connections: SshConnections, explorer: Explorer): void {
  const pipeline = ctx.own(new DeployPipeline(ctx, connections));
  ctx.own(profileDiagnostics());
  registerDeployCommands(ctx, pipeline, explorer.targetInstance);
}
