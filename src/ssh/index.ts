import type { Ctx } from '../ctx';
import type { Explorer } from '../explorer';
import { registerSshCommands } from './commands';
import { SshConnections } from './connections';

export { instanceKey, SshConnections } from './connections';

/** SSH to instances: one shared, self-healing connection each, used by tunnels, terminals, logs and file copy. */
export function register(ctx: Ctx, explorer: Explorer): SshConnections {
  const connections = ctx.own(new SshConnections(ctx));
  registerSshCommands(ctx, connections, explorer.targetInstance);
  return connections;
}
