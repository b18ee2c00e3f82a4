import * as vscode from 'vscode';
import { userMessageOf } from '../core/errors';
import type { InstanceRef } from '../core/gce/model';
import type { SessionState } from '../core/ssh/session';
import { Tunnel, type TunnelStats } from '../core/ssh/tunnel';
import type { Ctx } from '../ctx';
import { instanceKey, type SshConnections } from '../ssh';

export interface OpenTunnel {
  readonly id: string;
  readonly instance: InstanceRef;
  readonly localPort: number;
  readonly remotePort: number;
  stats(): TunnelStats;
  /** The instance's SSH connection: tunnels ride it and come back when it does. */
  connection(): SessionState;
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
    await this.connections.client(instance, signal);
    const key = instanceKey(instance);
    const tunnel = await Tunnel.open({ localPort, remotePort }, (s) => this.connections.client(instance, s), {
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
      connection: () => this.connections.state(instance),
    };
    this.tunnels.set(id, { info, tunnel });
    this.ctx.log.info(`Tunnel open: 127.0.0.1:${tunnel.localPort} → ${key}:${remotePort}`);
    this.changed.fire();
    return info;
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
