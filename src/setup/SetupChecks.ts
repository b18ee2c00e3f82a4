import * as vscode from 'vscode';
import { connectDocker } from '../core/docker/engine';
import { resolveDockerEndpoint } from '../core/docker/endpoint';
import { parseImageRef } from '../core/docker/imageRef';
import type { ErrorSubject } from '../core/errors';
import type { InstanceRef } from '../core/gce/model';
import { getInstance } from '../core/gce/resources';
import { runCommand } from '../core/ssh/connection';
import { checkCompute, checkCosImage, checkDockerEngine, checkRegistry, checkSsh, type SetupCheckId, type SetupCheckResult } from '../core/setup/checks';
import type { Ctx } from '../ctx';
import type { DeployPipeline } from '../deploy/pipeline';
import { findProfile, loadProfile } from '../deploy/profileFile';
import type { Explorer } from '../explorer';
import type { SshConnections } from '../ssh';

export const checkOrder: readonly SetupCheckId[] = ['docker', 'compute', 'registry', 'ssh', 'cosImage'];

export function checkTitle(id: SetupCheckId): string {
  switch (id) {
    case 'docker':
      return vscode.l10n.t('Docker engine');
    case 'compute':
      return vscode.l10n.t('Google credentials and Compute API');
    case 'registry':
      return vscode.l10n.t('Registry credentials');
    case 'ssh':
      return vscode.l10n.t('SSH to an instance');
    case 'cosImage':
      return vscode.l10n.t('COS image family');
  }
}

/** Time limits: a quiet re-check after a failure must answer fast; Diagnose Setup may wait for a first SSH key. */
const quietTimeoutMs: Readonly<Record<SetupCheckId, number>> = { docker: 3000, compute: 8000, registry: 10_000, ssh: 15_000, cosImage: 8000 };

export interface CheckOptions {
  /** What a failure was about: its project, instance or repository. */
  subject?: ErrorSubject;
  quiet?: boolean;
  signal?: AbortSignal;
}

/** The setup checks of src/core/setup/checks.ts, fed from this window: settings, the profile, the SSH connections. */
export class SetupChecks {
  constructor(
    private readonly ctx: Ctx,
    private readonly explorer: Explorer,
    private readonly connections: SshConnections,
    private readonly pipeline: DeployPipeline,
  ) {}

  /** The instance SSH is checked against when none is named: the last one connected to. */
  defaultInstance(): InstanceRef | undefined {
    return this.connections.lastConnected;
  }

  async run(id: SetupCheckId, options: CheckOptions = {}): Promise<SetupCheckResult> {
    const { subject = {}, signal } = options;
    const timeout = options.quiet ? { timeoutMs: quietTimeoutMs[id] } : {};
    const common = { ...(signal ? { signal } : {}), ...timeout };
    const result = await this.runOne(id, subject, common);
    const line = `Setup check ${id}: ${result.status}: ${result.summary}${result.detail ? ` (${result.detail})` : ''}`;
    this.ctx.log.info(this.ctx.redactor.redact(line));
    if (id === 'compute' && result.status === 'passed') this.ctx.milestones.reach('signedIn');
    return result;
  }

  private async runOne(id: SetupCheckId, subject: ErrorSubject, common: { signal?: AbortSignal; timeoutMs?: number }): Promise<SetupCheckResult> {
    switch (id) {
      case 'docker':
        return checkDockerEngine({
          endpoint: () => resolveDockerEndpoint({ host: this.ctx.config.dockerHost }),
          connect: (endpoint) => connectDocker({ host: endpoint.host }),
          ...common,
        });
      case 'compute': {
        const projects = this.explorer.projects();
        const ordered = subject.project ? [subject.project, ...projects.filter((p) => p !== subject.project)] : projects;
        return checkCompute({ clients: () => this.ctx.gce(), projects: ordered, ...common });
      }
      case 'registry':
        return checkRegistry({
          repository: subject.repository ?? (await this.profileRepository()),
          resolveAuth: (registry, signal) => this.pipeline.registryAuth(registry, signal),
          ...common,
        });
      case 'ssh': {
        const named = subject.instance && subject.zone && subject.project ? { project: subject.project, zone: subject.zone, name: subject.instance } : undefined;
        return checkSsh({
          instance: named ?? this.defaultInstance(),
          read: async (ref, signal) => getInstance(await this.ctx.gce(), ref, signal),
          connect: async (ref, signal) => {
            await runCommand(await this.connections.client(ref, signal), 'true', signal);
          },
          ...common,
        });
      }
      case 'cosImage':
        return checkCosImage({ clients: () => this.ctx.gce(), ...common });
    }
  }

  /** The profile's repository without a tag, or undefined without a readable profile. */
  private async profileRepository(): Promise<string | undefined> {
    if (!(await findProfile())) return undefined;
    const loaded = await loadProfile().catch(() => undefined);
    if (!loaded?.profile.build) return undefined;
    const ref = parseImageRef(loaded.profile.build.image);
    return `${ref.registry}/${ref.repository}`;
  }
}
