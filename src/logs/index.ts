import type { Ctx } from '../ctx';
import type { Explorer } from '../explorer';
import type { SshConnections } from '../ssh';
import { registerContainerCommands } from '../ssh/containers';
import { registerFileCommands } from '../ssh/files';
import { registerLogCommands } from './commands';
import { containerStream } from './format';
import { LogStreams } from './streams';

/**
 * Log streams into output channels (journal, docker logs, serial port), plus the VM commands that lead to
 * them or sit beside them: containers on the VM (whose pick follows a container's logs) and file copy.
 */
export function register(ctx: Ctx, connections: SshConnections, explorer: Explorer): LogStreams {
  const streams = ctx.own(new LogStreams(ctx, connections));
  registerLogCommands(ctx, streams, explorer.targetInstance);
  registerContainerCommands(ctx, connections, explorer.targetInstance, (instance, container) => streams.start(containerStream(instance, container)));
  registerFileCommands(ctx, connections, explorer.targetInstance);
  return streams;
}
