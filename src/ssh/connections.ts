import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'ssh2';
import * as vscode from 'vscode';
import { CancelledError, userMessageOf } from '../core/errors';
import { gcloudConfigValue } from '../core/gcloudConfig';
import type { InstanceRef } from '../core/gce/model';
import type { PresentedHostKey } from '../core/ssh/connection';
import { connectSsh } from '../core/ssh/connection';
import { prepareInstanceAccess } from '../core/ssh/instanceAccess';
import { ensureKeyPair, type KeyPair } from '../core/ssh/keys';
import { KnownHosts } from '../core/ssh/knownHosts';
import { SshSession, type SessionState } from '../core/ssh/session';
import type { Ctx } from '../ctx';

/** gcloud's key propagation wait: it polls SSH for 60 s after adding a key (gce-api-notes.md §3.3). */
const keyPropagationMs = 60_000;

export function instanceKey(ref: InstanceRef): string {
  return `${ref.project}/${ref.zone}/${ref.name}`;
}

/** A login name gcloud would use: the local user name, when it is a valid one. */
function localUser(): string {
  const name = os.userInfo().username.toLowerCase();
  return /^[a-z_][a-z0-9_.-]{0,31}$/.test(name) ? name : 'cosvm';
}

interface Entry {
  ref: InstanceRef;
  session: SshSession;
  keyAddedAt: number | undefined;
}

/**
 * One shared SSH session per instance, for tunnels, terminals, logs and file copy. Opening one does what
 * `gcloud compute ssh` does first (key, OS Login, host keys); the session reconnects by itself.
 */
export class SshConnections implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<{ ref: InstanceRef; state: SessionState }>();
  readonly onDidChangeState = this.changed.event;
  private keyPair: Promise<KeyPair> | undefined;
  private readonly knownHosts: KnownHosts;
  private readonly storageDir: string;

  constructor(private readonly ctx: Ctx) {
    this.storageDir = path.join(ctx.extension.globalStorageUri.fsPath, 'ssh');
    this.knownHosts = new KnownHosts(path.join(this.storageDir, 'known_hosts'));
  }

  /** The live connection to an instance, connecting (with key set-up and host-key checks) when needed. */
  client(ref: InstanceRef, signal?: AbortSignal): Promise<Client> {
    return this.session(ref).client(signal);
  }

  session(ref: InstanceRef): SshSession {
    const key = instanceKey(ref);
    const existing = this.entries.get(key);
    if (existing) return existing.session;
    const entry: Entry = {
      ref: { project: ref.project, zone: ref.zone, name: ref.name },
      keyAddedAt: undefined,
      session: new SshSession({
        open: (signal) => this.open(entry, signal),
        keyPropagationUntil: () => (entry.keyAddedAt ?? 0) + keyPropagationMs,
        onState: (state, error) => {
          const where = `SSH ${key}`;
          if (error && state !== 'ready') this.ctx.log.warn(this.ctx.redactor.redact(`${where}: ${state}: ${userMessageOf(error)}`));
          else this.ctx.log.info(`${where}: ${state}`);
          this.changed.fire({ ref: entry.ref, state });
        },
      }),
    };
    this.entries.set(key, entry);
    return entry.session;
  }

  state(ref: InstanceRef): SessionState {
    return this.entries.get(instanceKey(ref))?.session.state ?? 'idle';
  }

  /** Ends an instance's connection (tunnels and terminals on it reconnect when next used). */
  disconnect(ref: InstanceRef): void {
    const entry = this.entries.get(instanceKey(ref));
    entry?.session.dispose();
    this.entries.delete(instanceKey(ref));
  }

  private async open(entry: Entry, signal: AbortSignal): Promise<Client> {
    const clients = await this.ctx.gce();
    this.keyPair ??= ensureKeyPair({ gcloudKeyPath: path.join(os.homedir(), '.ssh', 'google_compute_engine'), storageDir: this.storageDir, comment: 'cosvm' });
    const keyPair = await this.keyPair.catch((error: unknown) => {
      this.keyPair = undefined;
      throw error;
    });
    const access = await prepareInstanceAccess(
      {
        clients,
        keyPair,
        knownHosts: this.knownHosts,
        user: this.ctx.config.sshUser ?? localUser(),
        accountEmail: () => gcloudConfigValue('core', 'account'),
        confirmHostKey: (ref, presented) => confirmHostKey(ref, presented),
      },
      entry.ref,
      signal,
    );
    if (access.keyAddedAt !== undefined) {
      entry.keyAddedAt = access.keyAddedAt;
      this.ctx.log.info(`Added an expiring SSH key for ${access.target.username} to ${instanceKey(entry.ref)} (${access.via}); it can take up to a minute to reach the VM.`);
    }
    const client = await connectSsh(access.target, signal);
    await access.remember();
    return client;
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.session.dispose();
    this.entries.clear();
    this.changed.dispose();
  }
}

/** Trust on first use: the VM published no host keys and we have never seen it, so the user decides. */
async function confirmHostKey(ref: InstanceRef, presented: PresentedHostKey): Promise<boolean> {
  const trust = vscode.l10n.t('Trust and Connect');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('First connection to {0}. Trust its host key?', ref.name),
    {
      modal: true,
      detail: vscode.l10n.t(
        '{0} {1}\n\nThe VM does not publish its host keys through guest attributes, so this key cannot be checked. It will be remembered, and a different key later will be refused.',
        presented.type,
        presented.fingerprint,
      ),
    },
    trust,
  );
  if (answer !== trust) throw new CancelledError('The SSH connection');
  return true;
}
