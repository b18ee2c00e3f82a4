import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import { Milestones } from './common/milestones';
import { Config } from './config';
import { connectDocker } from './core/docker/engine';
import type { ComputeClients } from './core/gce/computeClients';
import { loadCompute } from './core/lazyPackages';
import { Redactor } from './core/redact';

/** A failure's explanation: a sentence to add to its message, and buttons that act on it. */
export interface FailureAdvice {
  message: string;
  actions: { title: string; run: () => unknown }[];
}

export interface FailureAdvisor {
  /** Undefined when no setup check explains the failure, or the one that could passed. */
  explain(error: unknown): Promise<FailureAdvice | undefined>;
}

/**
 * The one context object (STYLE §5.3, after rust-analyzer's Ctx): settings, the log, the redactor and the
 * clients, which load on first use so activation stays cheap.
 */
export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly config: Config;
  readonly redactor = new Redactor();
  /** What the user has done once, for the walkthrough's self-checking steps. */
  readonly milestones: Milestones;
  /** Set by the setup feature: explains a failure by quietly re-running the setup check it points at. */
  failureAdvisor: FailureAdvisor | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private dockerClient: Promise<Dockerode> | undefined;
  private computeClients: Promise<ComputeClients> | undefined;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.own(vscode.window.createOutputChannel('COS', { log: true }));
    this.config = this.own(new Config(this.log));
    this.milestones = new Milestones(extension.globalState, this.log);
    // A new endpoint or Docker host needs new clients; nothing else does.
    this.own(
      this.config.onDidChange((keys) => {
        if (keys.has('computeEndpoint')) this.computeClients = undefined;
        if (keys.has('docker.host')) this.dockerClient = undefined;
      }),
    );
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
    return (this.dockerClient ??= connectDocker({ host: this.config.dockerHost }).catch((error: unknown) => {
      this.dockerClient = undefined;
      throw error;
    }));
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }
}
