import type { ClientChannel } from 'ssh2';
import { userMessageOf } from '../core/errors';
import * as vscode from 'vscode';
import type { InstanceRef } from '../core/gce/model';
import type { Ctx } from '../ctx';
import type { SshConnections } from './connections';

/**
 * An interactive shell on the VM in a VS Code terminal: a pty sized like the terminal and resized with it.
 * When the connection drops, the terminal says so and offers to reconnect on Enter (a shell cannot resume).
 */
export class SshTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.written.event;
  readonly onDidClose = this.closed.event;
  private channel: ClientChannel | undefined;
  private size: vscode.TerminalDimensions | undefined;
  private ended = false;
  private readonly controller = new AbortController();

  constructor(
    private readonly ctx: Ctx,
    private readonly connections: SshConnections,
    private readonly instance: InstanceRef,
  ) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    this.size = dimensions;
    void this.start();
  }

  private async start(): Promise<void> {
    this.ended = false;
    this.written.fire(`\x1b[2m${vscode.l10n.t('Connecting to {0}…', this.instance.name)}\x1b[0m\r\n`);
    try {
      const client = await this.connections.client(this.instance, this.controller.signal);
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        client.shell({ term: 'xterm-256color', cols: this.size?.columns ?? 80, rows: this.size?.rows ?? 24 }, (error, stream) => (error ? reject(error) : resolve(stream))),
      );
      // Closed while the shell was opening: end it, or it would stay open on the shared connection.
      if (this.controller.signal.aborted) {
        channel.end();
        return;
      }
      this.channel = channel;
      // Decoded as a stream, so a character split across two packets is not garbled.
      channel.setEncoding('utf8');
      channel.stderr.setEncoding('utf8');
      channel.on('data', (text: string) => this.written.fire(text));
      channel.stderr.on('data', (text: string) => this.written.fire(text));
      channel.on('error', () => undefined); // the close that follows says what the user needs to know
      channel.on('close', () => this.onChannelClosed());
    } catch (error) {
      if (this.controller.signal.aborted) return;
      const message = this.ctx.redactor.redact(userMessageOf(error));
      this.written.fire(`\r\n\x1b[31m${message}\x1b[0m\r\n${vscode.l10n.t('Press Enter to try again, or close the terminal.')}\r\n`);
      this.ended = true;
    }
  }

  private onChannelClosed(): void {
    this.channel = undefined;
    if (this.controller.signal.aborted) return;
    this.ended = true;
    this.written.fire(`\r\n\x1b[2m${vscode.l10n.t('The session on {0} ended. Press Enter to start a new one, or close the terminal.', this.instance.name)}\x1b[0m\r\n`);
  }

  handleInput(data: string): void {
    if (this.channel) this.channel.write(data);
    else if (this.ended && data.includes('\r')) void this.start();
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.size = dimensions;
    this.channel?.setWindow(dimensions.rows, dimensions.columns, 0, 0);
  }

  close(): void {
    this.controller.abort();
    this.channel?.end();
    this.written.dispose();
    this.closed.dispose();
  }
}

export function openSshTerminal(ctx: Ctx, connections: SshConnections, instance: InstanceRef): vscode.Terminal {
  const terminal = vscode.window.createTerminal({
    name: vscode.l10n.t('SSH: {0}', instance.name),
    iconPath: new vscode.ThemeIcon('remote'),
    pty: new SshTerminal(ctx, connections, instance),
  });
  terminal.show();
  return terminal;
}
