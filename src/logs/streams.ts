import type { Client } from 'ssh2';
import * as vscode from 'vscode';
import { CosvmError, userMessageOf } from '../core/errors';
import { getSerialPortOutput } from '../core/gce/serialPort';
import { followContainerLogs } from '../core/logs/containerLogs';
import { followJournal } from '../core/logs/journalFollow';
import { followSerialPort } from '../core/logs/serialFollow';
import { listRemoteContainers } from '../core/ssh/remoteDocker';
import type { Ctx } from '../ctx';
import type { SshConnections } from '../ssh';
import {
  channelName,
  cleanSerialText,
  formatContainerLine,
  formatJournalEntry,
  konletContainer,
  lostBytesLine,
  serialTailBytes,
  statusLine,
  streamKey,
  tailLines,
  type StreamSpec,
} from './format';

export interface ActiveStream {
  readonly key: string;
  readonly spec: StreamSpec;
  readonly name: string;
}

interface Entry {
  info: ActiveStream;
  channel: vscode.OutputChannel;
  controller: AbortController;
}

/**
 * The log streams being followed, one output channel each. A stream lives until it is stopped (command,
 * or a failure it cannot ride out), and its channel is disposed with it. Output channels have no close
 * event: `onDidCloseTextDocument` fires for an `output:` document whenever the panel switches to another
 * channel or hides (VS Code disposes the models of channels not shown, microsoft/vscode#171334), so it
 * cannot tell "closed" from "looked away" and is not used to stop a stream.
 */
export class LogStreams implements vscode.Disposable {
  private readonly streams = new Map<string, Entry>();

  constructor(
    private readonly ctx: Ctx,
    private readonly connections: SshConnections,
  ) {}

  list(): ActiveStream[] {
    return [...this.streams.values()].map((entry) => entry.info);
  }

  /** Starts following `spec`, or shows the channel already following it. */
  async start(spec: StreamSpec, signal?: AbortSignal): Promise<void> {
    const key = streamKey(spec);
    const existing = this.streams.get(key);
    if (existing) {
      existing.channel.show(true);
      return;
    }
    // konlet names its container `klt-<name>-xxxx`: find it first, so a missing one is an error now.
    let resolved = spec;
    if (spec.source.kind === 'docker' && spec.source.konlet) {
      const containers = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Finding konlet\'s container on {0}…', spec.instance.name) },
        async () => listRemoteContainers(await this.connections.client(spec.instance, signal), signal),
      );
      const container = konletContainer(spec.source.container, containers);
      if (!container) {
        throw new CosvmError('input/invalid', vscode.l10n.t('konlet has no container for {0} on {1} (yet); its konlet-startup journal says why.', spec.source.container, spec.instance.name));
      }
      resolved = { ...spec, source: { kind: 'docker', container } };
    }
    if (this.streams.has(key)) {
      this.streams.get(key)?.channel.show(true);
      return;
    }
    const name = channelName(spec);
    const entry: Entry = { info: { key, spec, name }, channel: vscode.window.createOutputChannel(name), controller: new AbortController() };
    this.streams.set(key, entry);
    entry.channel.show(true);
    this.ctx.log.info(`Following ${name}`);
    this.ctx.milestones.reach('logsFollowed');
    // The follow runs until stopped; its own failures end it here, never unhandled.
    // The same key may be following again by the time an old follow settles: stop only this one.
    const end = () => this.streams.get(key) === entry && this.stop(key);
    void this.follow(resolved, entry, spec.source.kind === 'docker' && spec.source.konlet ? spec.source.container : undefined).then(end, (error: unknown) => {
      if (this.streams.get(key) !== entry) return;
      const message = this.describe(error);
      this.ctx.log.warn(`${name} stopped: ${message}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} stopped: {1}', name, message));
      end();
    });
  }

  stop(key: string): void {
    const entry = this.streams.get(key);
    if (!entry) return;
    this.streams.delete(key);
    entry.controller.abort();
    entry.channel.dispose();
    this.ctx.log.info(`Stopped following ${entry.info.name}`);
  }

  stopAll(): void {
    for (const key of [...this.streams.keys()]) this.stop(key);
  }

  dispose(): void {
    this.stopAll();
  }

  /** `konletName`: the declared container, when `spec` names konlet's current `klt-<name>-xxxx` for it. */
  private follow(spec: StreamSpec, entry: Entry, konletName?: string): Promise<void> {
    const { channel } = entry;
    const signal = entry.controller.signal;
    const ref = spec.instance;
    const source = spec.source;
    // After stop() the channel is disposed, and appendLine would throw (inside ssh2's parser, for late SSH
    // data): nothing is written once stopped. Stream text is redacted too: containers print tokens.
    const write = (text: string, newline = true) => {
      if (signal.aborted) return;
      const safe = this.ctx.redactor.redact(text);
      if (newline) channel.appendLine(safe);
      else channel.append(safe);
    };
    // One status line per change: a dead connection retried with backoff says so once.
    let state: 'starting' | 'up' | 'down' = 'starting';
    const onStatus = (status: 'connected' | 'reconnecting' | 'stopped', error?: unknown) => {
      if (status === 'connected') {
        write(statusLine(state === 'starting' ? vscode.l10n.t('following (last {0} lines first)', tailLines) : vscode.l10n.t('reconnected; resuming after the last line shown')));
        state = 'up';
      } else if (state !== 'down') {
        const reason = error === undefined ? vscode.l10n.t('the connection closed') : this.describe(error);
        const text = status === 'stopped' ? vscode.l10n.t('the container stopped; waiting for it to run again') : vscode.l10n.t('{0}; reconnecting…', reason);
        write(statusLine(text));
        state = 'down';
      }
    };
    const connect = (s: AbortSignal) => this.connections.client(ref, s);
    if (source.kind !== 'serial') write(statusLine(vscode.l10n.t('connecting to {0} over SSH…', ref.name)));
    if (source.kind === 'journal') {
      return followJournal({
        connect,
        shared: true,
        query: { unit: source.unit, lines: tailLines },
        signal,
        onStatus,
        onEntries: (entries) => write(entries.map((e) => formatJournalEntry(e)).join('\n')),
      });
    }
    if (source.kind === 'docker') {
      // konlet recreates its container under a new `klt-<name>-xxxx` (on reset, on a new declaration): look it up each time.
      const declared = konletName;
      return followContainerLogs({
        connect,
        shared: true,
        container: source.container,
        ...(declared ? { resolveContainer: async (client: Client, s: AbortSignal) => konletContainer(declared, await listRemoteContainers(client, s)) } : {}),
        tail: tailLines,
        signal,
        onStatus,
        onLines: (lines) => write(lines.map((l) => formatContainerLine(l)).join('\n')),
      });
    }
    write(statusLine(vscode.l10n.t('reading serial port {0} through the Compute API (last {1} KiB first)', source.port, serialTailBytes / 1024)));
    return followSerialPort({
      read: async (start, s) => getSerialPortOutput(await this.ctx.gce(), ref, { port: source.port, start }, s),
      tailBytes: serialTailBytes,
      signal,
      onText: (text) => {
        if (state === 'down') write(statusLine(vscode.l10n.t('reading again')));
        state = 'up';
        write(cleanSerialText(text), false);
      },
      onLost: (bytes) => write(`\n${lostBytesLine(bytes)}`),
      onError: (error) => {
        if (state !== 'down') write(statusLine(vscode.l10n.t('reading the serial port failed: {0}; retrying', this.describe(error))));
        state = 'down';
      },
    });
  }

  /** One redacted sentence for a status line (never key material or tokens). */
  private describe(error: unknown): string {
    const text = userMessageOf(error);
    return this.ctx.redactor.redact(text);
  }
}
