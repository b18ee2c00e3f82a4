import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { Explorer } from '../explorer';
import type { SshConnections } from '../ssh';
import { registerTunnelCommands } from './commands';
import { tunnelStatusBar } from './statusBar';
import { TunnelManager } from './TunnelManager';
import { TunnelsProvider } from './TunnelsProvider';

/** SSH tunnels (`ssh -L`): the Tunnels view, a status-bar item and the commands. */
export function register(ctx: Ctx, connections: SshConnections, explorer: Explorer): TunnelManager {
  const manager = ctx.own(new TunnelManager(ctx, connections));
  ctx.own(vscode.window.createTreeView('cosvm.views.tunnels', { treeDataProvider: new TunnelsProvider(manager) }));
  ctx.own(tunnelStatusBar(manager));
  registerTunnelCommands(ctx, manager, explorer.targetInstance);
  return manager;
}
