import * as vscode from 'vscode';
import { registerCommands } from '../common/action';
import { withCancellation } from '../common/cancellation';
import { parseDeclaration } from '../core/declaration/parse';
import { guessServicePorts } from '../core/declaration/ports';
import { CancelledError, CosvmError } from '../core/errors';
import type { InstanceSummary } from '../core/gce/model';
import { isPortFree } from '../core/ssh/tunnel';
import type { Ctx } from '../ctx';
import type { InstanceTarget } from '../explorer/targetInstance';
import type { OpenTunnel, TunnelManager } from './TunnelManager';

/** `{ remotePort, localPort }` lets other commands and tests skip the prompts. */
interface OpenTunnelArgs {
  remotePort?: number;
  localPort?: number;
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65_535;
}

function portOf(text: string): number | undefined {
  const value = Number(text.trim());
  return /^\d+$/.test(text.trim()) && isPort(value) ? value : undefined;
}

/** The remote port: asked, pre-filled with what the instance's declaration suggests. */
async function askRemotePort(instance: InstanceSummary): Promise<number> {
  const guesses = instance.declaration ? guessServicePorts(parseDeclaration(instance.declaration).declaration) : [];
  const answer = await vscode.window.showInputBox({
    title: vscode.l10n.t('Open a tunnel to {0}', instance.name),
    prompt:
      guesses.length > 0
        ? vscode.l10n.t('Port on the VM. Its declaration suggests {0}.', guesses.join(', '))
        : vscode.l10n.t('Port on the VM, as `gcloud compute ssh -L PORT:localhost:PORT` would use.'),
    value: String(guesses[0] ?? 8080),
    validateInput: (value) => (portOf(value) ? undefined : vscode.l10n.t('A port is a number from 1 to 65535.')),
  });
  const port = answer === undefined ? undefined : portOf(answer);
  if (port === undefined) throw new CancelledError();
  return port;
}

/** The local port: the same number when free; otherwise the user chooses (a free one, another, or none). */
async function chooseLocalPort(wanted: number, asked: boolean): Promise<number> {
  if (await isPortFree(wanted)) return wanted;
  if (asked) throw new CosvmError('ssh/port-in-use', vscode.l10n.t('Local port {0} is already in use.', wanted));
  const free = { label: vscode.l10n.t('$(check) Use a free port'), description: vscode.l10n.t('chosen by the system'), port: 0 };
  const other = { label: vscode.l10n.t('$(edit) Enter another port…'), port: -1 };
  const picked = await vscode.window.showQuickPick([free, other], {
    title: vscode.l10n.t('Local port {0} is already in use', wanted),
    placeHolder: vscode.l10n.t('Another program listens on 127.0.0.1:{0}. Which local port should the tunnel use?', wanted),
  });
  if (!picked) throw new CancelledError();
  if (picked.port === 0) return 0;
  const answer = await vscode.window.showInputBox({
    title: vscode.l10n.t('Local port'),
    validateInput: async (value) => {
      const port = portOf(value);
      if (port === undefined) return vscode.l10n.t('A port is a number from 1 to 65535.');
      return (await isPortFree(port)) ? undefined : vscode.l10n.t('Port {0} is in use too.', port);
    },
  });
  const port = answer === undefined ? undefined : portOf(answer);
  if (port === undefined) throw new CancelledError();
  return port;
}

function tunnelOf(manager: TunnelManager, node: unknown): OpenTunnel {
  const id = (node as Partial<OpenTunnel> | undefined)?.id;
  const tunnel = manager.list().find((t) => t.id === id);
  if (!tunnel) throw new CosvmError('input/invalid', vscode.l10n.t('That tunnel is no longer open.'));
  return tunnel;
}

/** A tunnel from a tree row, or one picked when the palette gives none. */
async function pickTunnel(manager: TunnelManager, node: unknown, placeHolder: string): Promise<OpenTunnel> {
  if (node !== undefined) return tunnelOf(manager, node);
  const items = manager.list().map((tunnel) => ({ label: `localhost:${tunnel.localPort} → ${tunnel.instance.name}:${tunnel.remotePort}`, tunnel }));
  if (items.length === 0) throw new CosvmError('input/invalid', vscode.l10n.t('No SSH tunnels are open.'));
  const picked = await vscode.window.showQuickPick(items, { placeHolder });
  if (!picked) throw new CancelledError();
  return picked.tunnel;
}

export function registerTunnelCommands(ctx: Ctx, manager: TunnelManager, targetInstance: InstanceTarget): void {
  registerCommands(ctx, {
    'cosvm.tunnel.open': {
      title: vscode.l10n.t('Open SSH Tunnel'),
      requiresTrust: true,
      run: async (action, node?: unknown, args?: unknown) => {
        const instance = await targetInstance(node);
        const given = (args ?? {}) as OpenTunnelArgs;
        const remotePort = isPort(given.remotePort) ? given.remotePort : await askRemotePort(instance);
        const localPort = await chooseLocalPort(isPort(given.localPort) ? given.localPort : remotePort, isPort(given.localPort));
        const tunnel = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Opening a tunnel to {0}:{1}…', instance.name, remotePort), cancellable: true },
          (_progress, token) => withCancellation(token, action.signal, (signal) => manager.open(instance, remotePort, localPort, signal)),
        );
        const open = vscode.l10n.t('Open in Browser');
        void vscode.window
          .showInformationMessage(vscode.l10n.t('Tunnel open: localhost:{0} → {1}:{2}', tunnel.localPort, instance.name, remotePort), open)
          .then((choice) => choice === open && vscode.commands.executeCommand('cosvm.tunnel.openInBrowser', tunnel));
        return { id: tunnel.id, localPort: tunnel.localPort, remotePort: tunnel.remotePort };
      },
    },
    'cosvm.tunnel.stop': {
      title: vscode.l10n.t('Stop Tunnel'),
      run: async (_action, node?: unknown) => manager.stop((await pickTunnel(manager, node, vscode.l10n.t('Which tunnel should stop?'))).id),
    },
    'cosvm.tunnel.stopAll': {
      title: vscode.l10n.t('Stop All Tunnels'),
      run: async () => {
        for (const tunnel of manager.list()) await manager.stop(tunnel.id);
      },
    },
    'cosvm.tunnel.openInBrowser': {
      title: vscode.l10n.t('Open in Browser'),
      run: async (_action, node?: unknown) => {
        const tunnel = await pickTunnel(manager, node, vscode.l10n.t('Which tunnel should open in the browser?'));
        // asExternalUri maps the port when VS Code runs remotely (code-server, Codespaces).
        const uri = await vscode.env.asExternalUri(vscode.Uri.parse(`http://localhost:${tunnel.localPort}/`));
        await vscode.env.openExternal(uri);
      },
    },
    'cosvm.tunnel.copyAddress': {
      title: vscode.l10n.t('Copy Local Address'),
      run: async (_action, node?: unknown) => vscode.env.clipboard.writeText(`localhost:${(await pickTunnel(manager, node, vscode.l10n.t('Which tunnel?'))).localPort}`),
    },
  });
}
