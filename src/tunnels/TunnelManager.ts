import * as vscode from 'vscode';
import { userMessageOf } from '../core/errors';
import type { InstanceRef } from '../core/gce/model';
import type { SessionState } from '../core/ssh/session';
import { openSshAvailable, openSshTransport } from '../core/ssh/openSsh';
import { ssh2Transport, Tunnel, type TunnelStats, type TunnelTransport } from '../core/ssh/tunnel';
import type { Ctx } from '../ctx';
import { instanceKey, type SshConnections } from '../ssh';

export interface OpenTunnel {
  readonly id: string;
  readonly instance: InstanceRef;
  readonly localPort: number;
  readonly remotePort: number;
  stats(): TunnelStats;
  /** The connection the tunnel rides (the instance's ssh2 session, or its OpenSSH master); it comes back by itself. */
  connection(): SessionState;
  readonly transport: 'openssh' | 'builtin';
}

/** The open tunnels, for the Tunnels view, the status bar and the commands. */
export class TunnelManager implements vscode.Disposable {
  private readonly tunnels = new Map<string, { info: OpenTunnel; tunnel: Tunnel }>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly ctx: Ctx,
    private readonly connections: SshConnections,
  ) {
    this.subscription = connections.onDidChangeState(({ ref }) => {
      if (this.list().some((t) => instanceKey(t.instance) === instanceKey(ref))) this.changed.fire();
    });
  }

  list(): OpenTunnel[] {
    return [...this.tunnels.values()].map((entry) => entry.info);
  }

  /** Listens on 127.0.0.1:localPort and forwards to the VM's 127.0.0.1:remotePort; connects first, so errors show now. */
  async open(instance: InstanceRef, remotePort: number, localPort: number, signal?: AbortSignal): Promise<OpenTunnel> {
    const via = await this.transportKind();
    const { transport, state } = this.transport(instance, via);
    await transport.connection(signal ?? new AbortController().signal);
    const key = instanceKey(instance);
    const tunnel = await Tunnel.open({ localPort, remotePort }, transport, {
      onEvent: (event) => {
        if (event.kind === 'connection-failed') {
          this.ctx.log.warn(this.ctx.redactor.redact(`Tunnel ${tunnel.localPort} → ${key}:${remotePort}: a connection failed: ${userMessageOf(event.error)}`));
        } else if (event.kind === 'reconnected') this.ctx.log.info(`Tunnel ${tunnel.localPort} → ${key}:${remotePort}: reconnected`);
        this.changed.fire();
      },
    });
    const id = `${key}:${remotePort}@${tunnel.localPort}`;
    const info: OpenTunnel = {
      id,
      instance: { project: instance.project, zone: instance.zone, name: instance.name },
      localPort: tunnel.localPort,
      remotePort,
      stats: () => tunnel.stats(),
      connection: state,
      transport: via,
    };
    this.tunnels.set(id, { info, tunnel });
    this.ctx.milestones.reach('tunnelOpened');
    this.ctx.log.info(`Tunnel open: 127.0.0.1:${tunnel.localPort} → ${key}:${remotePort} (${via === 'openssh' ? 'OpenSSH' : 'built-in SSH'})`);
    this.changed.fire();
    return info;
  }

  private async transportKind(): Promise<'openssh' | 'builtin'> {
    const setting = this.ctx.config.tunnelTransport;
    if (setting === 'builtin') return 'builtin';
    if (await openSshAvailable()) return 'openssh';
    if (setting === 'openssh') this.ctx.log.warn('cosvm.ssh.tunnelTransport is "openssh", but no OpenSSH client with connection multiplexing runs here (none on Windows): using the built-in one.');
    return 'builtin';
  }

  private transport(instance: InstanceRef, via: 'openssh' | 'builtin'): { transport: TunnelTransport; state: () => SessionState } {
    if (via === 'openssh') {
      // Looked up each time: "Disconnect SSH" disposes the instance's master session, and the next connection
      // must get a new one (as the built-in transport gets a new ssh2 session).
      const master = () => this.connections.openSshMaster(instance);
      return { transport: openSshTransport((signal) => master().client(signal)), state: () => master().state };
    }
    return { transport: ssh2Transport((signal) => this.connections.client(instance, signal)), state: () => this.connections.state(instance) };
  }

  async stop(id: string): Promise<void> {
    const entry = this.tunnels.get(id);
    if (!entry) return;
    this.tunnels.delete(id);
    await entry.tunnel.close();
    this.ctx.log.info(`Tunnel closed: 127.0.0.1:${entry.info.localPort} → ${instanceKey(entry.info.instance)}:${entry.info.remotePort}`);
    this.changed.fire();
  }

  dispose(): void {
    for (const { tunnel } of this.tunnels.values()) void tunnel.close();
    this.tunnels.clear();
    this.subscription.dispose();
    this.changed.dispose();
  }
}
