import * as vscode from 'vscode';
import { registerCommands } from '../common/action';
import { withCancellation } from '../common/cancellation';
import { CancelledError } from '../core/errors';
import type { InstanceRef } from '../core/gce/model';
import { listRemoteContainers, type RemoteContainer } from '../core/ssh/remoteDocker';
import type { Ctx } from '../ctx';
import type { InstanceTarget } from '../explorer/targetInstance';
import type { SshConnections } from './connections';

/** A codicon for Docker's state word. */
export function containerStateIcon(container: Pick<RemoteContainer, 'state' | 'status'>): string {
  switch (container.state) {
    case 'running':
      return '$(vm-running)';
    case 'paused':
      return '$(debug-pause)';
    case 'restarting':
      return '$(sync)';
    case 'created':
      return '$(circle-outline)';
    case 'exited':
      return /^Exited \(0\)/.test(container.status) ? '$(vm-outline)' : '$(error)';
    default:
      return '$(warning)';
  }
}

/** `docker ps` on the VM as a picker; a picked container's logs can be followed or its id copied. */
export function registerContainerCommands(
  ctx: Ctx,
  connections: SshConnections,
  targetInstance: InstanceTarget,
  followContainer: (instance: InstanceRef, container: string) => Promise<void>,
): void {
  registerCommands(ctx, {
    'cosvm.instance.showContainers': {
      title: vscode.l10n.t('Show Containers on the VM'),
      run: async (action, node?: unknown) => {
        const instance = await targetInstance(node);
        const containers = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Listing containers on {0}…', instance.name), cancellable: true },
          (_progress, token) => withCancellation(token, action.signal, async (signal) => listRemoteContainers(await connections.client(instance, signal), signal)),
        );
        if (containers.length === 0) {
          void vscode.window.showInformationMessage(vscode.l10n.t('There are no containers on {0}.', instance.name));
          return;
        }
        // Running ones first, then as Docker lists them (newest first).
        const ordered = [...containers].sort((a, b) => Number(b.state === 'running') - Number(a.state === 'running'));
        const picked = await vscode.window.showQuickPick(
          ordered.map((container) => ({
            label: `${containerStateIcon(container)} ${container.name}`,
            description: container.image,
            detail: [container.status, container.ports].filter(Boolean).join(' · '),
            container,
          })),
          { title: vscode.l10n.t('Containers on {0}', instance.name), matchOnDescription: true, matchOnDetail: true },
        );
        if (!picked) throw new CancelledError();
        const follow = { label: `$(output) ${vscode.l10n.t('Follow logs')}`, description: `docker logs -f ${picked.container.name}` };
        const copy = { label: `$(copy) ${vscode.l10n.t('Copy ID')}`, description: picked.container.id.slice(0, 12) };
        const choice = await vscode.window.showQuickPick([follow, copy], { title: picked.container.name });
        if (choice === follow) await followContainer(instance, picked.container.name);
        else if (choice === copy) {
          await vscode.env.clipboard.writeText(picked.container.id);
          vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the id of {0}', picked.container.name), 3000);
        } else throw new CancelledError();
      },
    },
  });
}
