import * as path from 'node:path';
import * as vscode from 'vscode';
import { changedSpan, deployDeclaration, pinImage, type DeployOutcome } from '../core/deploy/deploy';
import { DeployHistory } from '../core/deploy/history';
import type { DeployTarget } from '../core/deploy/profile';
import type { DeployContext } from '../core/deploy/targets';
import { resolveRegistryAuth, type ResolvedRegistryAuth } from '../core/docker/credentials';
import { buildImage, pushImage } from '../core/docker/engine';
import { parseImageRef } from '../core/docker/imageRef';
import { verifyPushedDigest } from '../core/docker/registry';
import { runCommand } from '../core/ssh/connection';
import { CosvmError, withSubject } from '../core/errors';
import type { Ctx } from '../ctx';
import type { SshConnections } from '../ssh';
import { documentText, type LoadedProfile } from './profileFile';

export type Report = (message: string) => void;

export interface Pushed {
  /** `repo@sha256:…` */
  pinned: string;
  digest: string;
  /** `repo:tag` as pushed. */
  reference: string;
}

/** `cosvm-20261123-081500`: each build gets its own tag, so the digest check reads this push's manifest. */
function buildTag(now = new Date()): string {
  return `cosvm-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
}

/** Build → push → pin → deploy, each step on its own or chained; build and push output goes to "COS Build". */
export class DeployPipeline implements vscode.Disposable {
  private readonly output = vscode.window.createOutputChannel('COS Build');
  private historyFile: DeployHistory | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly connections: SshConnections,
  ) {}

  /** Deploy history for this workspace (the extension's workspace storage, else its global storage). */
  history(): DeployHistory {
    const base = this.ctx.extension.storageUri ?? this.ctx.extension.globalStorageUri;
    return (this.historyFile ??= new DeployHistory(path.join(base.fsPath, 'deploy-history.json')));
  }

  async build(loaded: LoadedProfile, report: Report, signal: AbortSignal): Promise<string> {
    const build = loaded.profile.build;
    if (!build) throw new vscode.CancellationError();
    const reference = `${build.image}:${buildTag()}`;
    const contextDir = vscode.Uri.joinPath(loaded.folder, build.context).fsPath;
    report(vscode.l10n.t('Building {0}', reference));
    this.output.appendLine(`$ build ${vscode.workspace.asRelativePath(contextDir)} → ${reference}`);
    this.output.show(true);
    const docker = await this.ctx.docker();
    await buildImage(docker, {
      contextDir,
      dockerfile: build.dockerfile,
      tag: reference,
      buildArgs: build.args,
      ...(build.target ? { target: build.target } : {}),
      ...(build.platform ? { platform: build.platform } : {}),
      signal,
      onOutput: (text) => {
        const shown = this.ctx.redactor.redact(text);
        this.output.append(shown);
        // The notification follows the build step by step (`Step 3/7 : COPY . /app`).
        const step = /^Step \d+\/\d+ : .*/m.exec(shown)?.[0];
        if (step) report(step.length > 80 ? `${step.slice(0, 79)}…` : step);
      },
    });
    this.output.appendLine(vscode.l10n.t('Built {0}', reference));
    return reference;
  }

  async push(reference: string, report: Report, signal: AbortSignal): Promise<Pushed> {
    const ref = parseImageRef(reference);
    try {
      report(vscode.l10n.t('Pushing {0}', reference));
      const auth = await this.registryAuth(ref.registry, signal);
      this.output.appendLine(`$ push ${reference}${auth ? ` (as ${auth.username || 'token'})` : ''}`);
      const pushed = await pushImage(await this.ctx.docker(), { reference, ...(auth ? { auth } : {}), signal, onOutput: (text) => this.output.append(this.ctx.redactor.redact(text)) });
      report(vscode.l10n.t('Checking the digest with the registry'));
      await verifyPushedDigest(reference, pushed.digest, { ...(auth ? { auth } : {}), signal });
      this.output.appendLine(vscode.l10n.t('Pushed {0}; the registry serves the same digest.', pushed.pinned));
      this.ctx.log.info(`Pushed ${pushed.pinned} (verified against the registry)`);
      return { ...pushed, reference };
    } catch (error) {
      throw withSubject(error, { repository: `${ref.registry}/${ref.repository}` });
    }
  }

  /** The credentials `docker push` would use for a registry; whatever they hold never reaches an output channel. */
  async registryAuth(registry: string, signal: AbortSignal): Promise<ResolvedRegistryAuth | undefined> {
    const auth = await resolveRegistryAuth(registry, { signal, onWarning: (message) => this.ctx.log.warn(this.ctx.redactor.redact(message)) });
    for (const secret of [auth?.password, auth?.identitytoken, auth?.registrytoken]) this.ctx.redactor.addSecret(secret);
    return auth;
  }

  /** Writes `pushed.pinned` into the declaration as one minimal edit (comments and layout stay) and saves it. */
  async pin(loaded: LoadedProfile, pushed: Pushed): Promise<string> {
    const document = await vscode.workspace.openTextDocument(loaded.declarationUri);
    const text = document.getText();
    const ref = parseImageRef(pushed.pinned);
    const updated = pinImage(text, `${ref.registry}/${ref.repository}`, pushed.pinned);
    if (updated !== text) {
      // Only the changed span is replaced: the editor keeps its undo stack, cursor and folding.
      const span = changedSpan(text, updated);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(loaded.declarationUri, new vscode.Range(document.positionAt(span.start), document.positionAt(span.end)), span.text);
      if (!(await vscode.workspace.applyEdit(edit)) || document.getText() !== updated) {
        throw new CosvmError('config/invalid', vscode.l10n.t('Could not write {0} into {1} (it changed meanwhile, or is read-only); nothing was deployed.', pushed.pinned, vscode.workspace.asRelativePath(loaded.declarationUri)));
      }
      await document.save();
    }
    return document.getText();
  }

  async deploy(target: DeployTarget, declarationText: string, report: Report, signal: AbortSignal): Promise<DeployOutcome> {
    const context: DeployContext & { history: DeployHistory } = {
      clients: await this.ctx.gce(),
      runOnInstance: async (ref, command, commandSignal) => runCommand(await this.connections.client(ref, commandSignal), command, commandSignal),
      onProgress: (message) => {
        report(message);
        this.ctx.log.info(`Deploy ${target.label}: ${message}`);
      },
      history: this.history(),
      signal,
    };
    const outcome = await deployDeclaration(context, target, declarationText);
    const summary = `Deploy ${target.label}: ${outcome.applied}${outcome.sshSkipped ? ` (in-place update not possible: ${outcome.sshSkipped})` : ''}; ${outcome.verification.detail}`;
    if (outcome.verification.ok) this.ctx.log.info(this.ctx.redactor.redact(summary));
    else this.ctx.log.warn(this.ctx.redactor.redact(summary));
    return outcome;
  }

  /** The declaration as it is on disk or in its editor. */
  declarationText(loaded: LoadedProfile): Promise<string> {
    return documentText(loaded.declarationUri);
  }

  dispose(): void {
    this.output.dispose();
  }
}
