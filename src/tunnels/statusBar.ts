import * as vscode from 'vscode';
import type { TunnelManager } from './TunnelManager';

/** "$(plug) 2 tunnels" in the status bar while any is open; a click shows the Tunnels view. */
export function tunnelStatusBar(manager: TunnelManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('cosvm.tunnels', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('COS Tunnels');
  item.command = 'cosvm.views.tunnels.focus';
  const update = () => {
    const tunnels = manager.list();
    if (tunnels.length === 0) {
      item.hide();
      return;
    }
    const reconnecting = tunnels.filter((t) => t.connection() !== 'ready').length;
    item.text = `$(${reconnecting > 0 ? 'sync~spin' : 'plug'}) ${tunnels.length === 1 ? vscode.l10n.t('1 tunnel') : vscode.l10n.t('{0} tunnels', tunnels.length)}`;
    item.tooltip = tunnels.map((t) => `localhost:${t.localPort} → ${t.instance.name}:${t.remotePort}`).join('\n');
    item.show();
  };
  const subscription = manager.onDidChange(update);
  update();
  return vscode.Disposable.from(item, subscription);
}
