import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import { Config } from './config';
import { connectDocker } from './core/docker/engine';
import type { ComputeClients } from './core/gce/computeClients';
import { loadCompute } from './core/lazyPackages';
import { Redactor } from './core/redact';

/**
 * The one context object (STYLE §5.3, after rust-analyzer's Ctx): settings, the log, the redactor and the
 * clients, which load on first use so activation stays cheap.
 */
export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly config: Config;
  readonly redactor = new Redactor();
  private readonly disposables: vscode.Disposable[] = [];
  private dockerClient: Promise<Dockerode> | undefined;
  private computeClients: Promise<ComputeClients> | undefined;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.own(vscode.window.createOutputChannel('COS', { log: true }));
    this.config = this.own(new Config(this.log));
    // A new endpoint needs new clients; nothing else does.
    this.own(this.config.onDidChange((keys) => keys.has('computeEndpoint') && (this.computeClients = undefined)));
  }

  /** The Compute clients, loaded on first use (about a second; never at activation). */
  gce(): Promise<ComputeClients> {
    return (this.computeClients ??= (async () => {
      const started = Date.now();
      const { createComputeClients } = await loadCompute();
      const endpoint = this.config.computeEndpoint;
      const clients = createComputeClients(endpoint ? { endpoint } : {});
      this.log.info(`Compute client loaded in ${Date.now() - started} ms${endpoint ? ` for ${endpoint.origin}` : ''}`);
      return clients;
    })());
  }

  /** Ties a disposable to the extension's lifetime and returns it. */
  own<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  docker(): Promise<Dockerode> {
    return (this.dockerClient ??= connectDocker());
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }
}
