import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'ssh2';
import * as vscode from 'vscode';
import { CancelledError, userMessageOf, withSubject } from '../core/errors';
import { gcloudConfigValue } from '../core/gcloudConfig';
import type { InstanceRef } from '../core/gce/model';
import type { PresentedHostKey } from '../core/ssh/connection';
import { connectSsh } from '../core/ssh/connection';
import { prepareInstanceAccess, type InstanceAccess } from '../core/ssh/instanceAccess';
import { ensureKeyPair, type KeyPair } from '../core/ssh/keys';
import { KnownHosts } from '../core/ssh/knownHosts';
import { OpenSshMaster, type OpenSshTarget } from '../core/ssh/openSsh';
import { SshSession, type SessionState } from '../core/ssh/session';
import type { Ctx } from '../ctx';

/** Half the lifetime of the ssh-keys entry we add (a day): past it, access is prepared again before a master starts. */
const keyRenewAfterMs = 12 * 60 * 60 * 1000;

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
  /** What the last successful connection used, for an OpenSSH master to the same VM. */
  access: (InstanceAccess & { keyPath: string; preparedAt: number }) | undefined;
  /** The instance's OpenSSH master, when a tunnel uses the OpenSSH transport. */
  master: SshSession<OpenSshMaster> | undefined;
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
  /** Control sockets of OpenSSH masters: a short private path (sun_path holds ~104 bytes). */
  private controlDir: string | undefined;
  private masterCount = 0;

  constructor(private readonly ctx: Ctx) {
    this.storageDir = path.join(ctx.extension.globalStorageUri.fsPath, 'ssh');
    this.knownHosts = new KnownHosts(path.join(this.storageDir, 'known_hosts'));
  }

  /** The instance of the last connection that came up: what Diagnose Setup checks SSH against by default. */
  lastConnected: InstanceRef | undefined;

  /** The live connection to an instance, connecting (with key set-up and host-key checks) when needed. */
  client(ref: InstanceRef, signal?: AbortSignal): Promise<Client> {
    return this.session(ref)
      .client(signal)
      .catch((error: unknown) => {
        throw withSubject(error, { project: ref.project, zone: ref.zone, instance: ref.name });
      });
  }

  session(ref: InstanceRef): SshSession {
    const key = instanceKey(ref);
    const existing = this.entries.get(key);
    if (existing) return existing.session;
    const entry: Entry = {
      ref: { project: ref.project, zone: ref.zone, name: ref.name },
      keyAddedAt: undefined,
      access: undefined,
      master: undefined,
      session: new SshSession({
        open: (signal) => this.open(entry, signal),
        keyPropagationUntil: () => (entry.keyAddedAt ?? 0) + keyPropagationMs,
        onState: (state, error) => this.onState(entry, `SSH ${key}`, state, error),
      }),
    };
    this.entries.set(key, entry);
    return entry.session;
  }

  /**
   * The instance's OpenSSH master session (openSsh.ts), for tunnels: each attempt first makes sure the ssh2
   * session is up, which puts our key on the VM and settles host-key trust (a first-use prompt included).
   */
  openSshMaster(ref: InstanceRef): SshSession<OpenSshMaster> {
    this.session(ref);
    const entry = this.entries.get(instanceKey(ref))!;
    entry.master ??= new SshSession<OpenSshMaster>({
      open: async (signal) => {
        // Our ssh-keys entry lives a day: a master reconnecting on an old session first renews it, through a new
        // session that prepares access again.
        if (entry.access && Date.now() - entry.access.preparedAt > keyRenewAfterMs) entry.session.drop();
        await this.client(entry.ref, signal);
        const access = entry.access!;
        const target: OpenSshTarget = {
          host: access.target.host,
          port: access.target.port ?? 22,
          username: access.target.username,
          privateKeyPath: access.keyPath,
          knownHostsFile: this.knownHosts.file,
          hostKeyAlias: access.hostKeyAlias,
        };
        const controlPath = path.join((this.controlDir ??= mkdtempSync(path.join(os.tmpdir(), 'cosvm-ssh-'))), `m${this.masterCount++}`);
        const master = await OpenSshMaster.start(target, { controlPath, signal, onLog: (line) => this.ctx.log.info(this.ctx.redactor.redact(`OpenSSH ${instanceKey(entry.ref)}: ${line}`)) }).catch(
          (error: unknown) => {
            throw withSubject(error, { project: entry.ref.project, zone: entry.ref.zone, instance: entry.ref.name });
          },
        );
        this.ctx.log.info(`OpenSSH master for ${instanceKey(entry.ref)} (pid ${master.pid ?? '?'})`);
        return master;
      },
      onState: (state, error) => this.onState(entry, `OpenSSH ${instanceKey(entry.ref)}`, state, error),
    });
    return entry.master;
  }

  private onState(entry: Entry, where: string, state: SessionState, error: unknown): void {
    if (error && state !== 'ready') this.ctx.log.warn(this.ctx.redactor.redact(`${where}: ${state}: ${userMessageOf(error)}`));
    else this.ctx.log.info(`${where}: ${state}`);
    this.changed.fire({ ref: entry.ref, state });
  }

  state(ref: InstanceRef): SessionState {
    return this.entries.get(instanceKey(ref))?.session.state ?? 'idle';
  }

  /** Ends an instance's connection (tunnels and terminals on it reconnect when next used). */
  disconnect(ref: InstanceRef): void {
    const entry = this.entries.get(instanceKey(ref));
    entry?.session.dispose();
    entry?.master?.dispose();
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
    entry.access = { ...access, keyPath: keyPair.path, preparedAt: Date.now() };
    this.lastConnected = entry.ref;
    return client;
  }

  dispose(): void {
    for (const entry of this.entries.values()) {
      entry.session.dispose();
      entry.master?.dispose();
    }
    this.entries.clear();
    if (this.controlDir) rmSync(this.controlDir, { recursive: true, force: true });
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
