import * as vscode from 'vscode';
import type { OpenTunnel, TunnelManager } from './TunnelManager';

/** The Tunnels view: one row per open tunnel; empty shows the welcome content. */
export class TunnelsProvider implements vscode.TreeDataProvider<OpenTunnel> {
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(private readonly manager: TunnelManager) {
    this.onDidChangeTreeData = manager.onDidChange;
  }

  getTreeItem(tunnel: OpenTunnel): vscode.TreeItem {
    const item = new vscode.TreeItem(`localhost:${tunnel.localPort} → ${tunnel.instance.name}:${tunnel.remotePort}`);
    item.id = tunnel.id;
    item.contextValue = 'tunnel';
    const stats = tunnel.stats();
    const state = tunnel.connection();
    const connected = state === 'ready';
    item.iconPath = new vscode.ThemeIcon(connected ? 'plug' : state === 'failed' ? 'error' : 'sync~spin');
    const status = connected ? vscode.l10n.t('connected') : state === 'failed' ? vscode.l10n.t('disconnected') : vscode.l10n.t('reconnecting');
    item.description =
      stats.activeConnections === 1 ? vscode.l10n.t('{0} · 1 connection', status) : vscode.l10n.t('{0} · {1} connections', status, stats.activeConnections);
    item.tooltip = new vscode.MarkdownString(
      [
        vscode.l10n.t('**{0}** in {1} ({2})', tunnel.instance.name, tunnel.instance.zone, tunnel.instance.project),
        vscode.l10n.t('Local 127.0.0.1:{0} → VM 127.0.0.1:{1}', tunnel.localPort, tunnel.remotePort),
        stats.bytesIn === undefined || stats.bytesOut === undefined
          ? vscode.l10n.t('{0} connections so far, {1} failed', stats.totalConnections, stats.failedConnections)
          : vscode.l10n.t('{0} connections so far, {1} failed; {2} in, {3} out', stats.totalConnections, stats.failedConnections, formatBytes(stats.bytesIn), formatBytes(stats.bytesOut)),
        tunnel.transport === 'openssh' ? vscode.l10n.t('Carried by OpenSSH') : vscode.l10n.t('Carried by the built-in SSH client'),
      ].join('\n\n'),
    );
    item.command = { command: 'cosvm.tunnel.openInBrowser', title: vscode.l10n.t('Open in Browser'), arguments: [tunnel] };
    return item;
  }

  getChildren(): OpenTunnel[] {
    return this.manager.list().sort((a, b) => a.localPort - b.localPort);
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
