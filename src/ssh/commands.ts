import * as vscode from 'vscode';
import { registerCommands } from '../common/action';
import type { Ctx } from '../ctx';
import type { InstanceTarget } from '../explorer/targetInstance';
import type { SshConnections } from './connections';
import { openSshTerminal } from './terminal';

export function registerSshCommands(ctx: Ctx, connections: SshConnections, targetInstance: InstanceTarget): void {
  registerCommands(ctx, {
    'cosvm.instance.openTerminal': {
      title: vscode.l10n.t('Open SSH Terminal'),
      requiresTrust: true,
      run: async (_action, node?: unknown) => {
        const instance = await targetInstance(node);
        openSshTerminal(ctx, connections, instance);
      },
    },
    'cosvm.instance.disconnect': {
      title: vscode.l10n.t('Disconnect SSH'),
      run: async (_action, node?: unknown) => connections.disconnect(await targetInstance(node)),
    },
  });
}
