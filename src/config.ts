import * as vscode from 'vscode';
import type { DeclarationMode } from './core/declaration/model';

const section = 'cosvm';
const projectIdPattern = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;

export type ConfigKey = 'projects' | 'computeEndpoint' | 'docker.host' | 'declaration.files' | 'declaration.defaultMode' | 'ssh.user' | 'ssh.tunnelTransport';
const configKeys: readonly ConfigKey[] = ['projects', 'computeEndpoint', 'docker.host', 'declaration.files', 'declaration.defaultMode', 'ssh.user', 'ssh.tunnelTransport'];

/** `auto`: the OpenSSH client when it can run here, else the built-in ssh2 one. */
export type TunnelTransportSetting = 'auto' | 'openssh' | 'builtin';

/**
 * One typed, validated getter per setting (STYLE §5.9). A bad value falls back to its default and logs one
 * warning, once per distinct bad value.
 */
export class Config implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ReadonlySet<ConfigKey>>();
  private readonly warned = new Set<string>();
  private readonly listener: vscode.Disposable;
  /** Fires with the keys that changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.listener = vscode.workspace.onDidChangeConfiguration((event) => {
      const keys = configKeys.filter((key) => event.affectsConfiguration(`${section}.${key}`));
      if (keys.length > 0) this.changed.fire(new Set(keys));
    });
  }

  /** Project ids from `cosvm.projects`; invalid entries are dropped with a warning. */
  get projects(): string[] {
    const value = this.raw<unknown>('projects');
    if (!Array.isArray(value)) return this.fallback('projects', value, []);
    const valid = value.filter((item): item is string => typeof item === 'string' && isProjectId(item));
    if (valid.length !== value.length) this.warn('projects', value);
    return valid;
  }

  /** `http(s)://host:port` of a Compute endpoint (the emulator, a private endpoint), or undefined for Google's. */
  get computeEndpoint(): URL | undefined {
    const value = this.raw<unknown>('computeEndpoint');
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'string') {
      try {
        const url = new URL(value);
        if (url.protocol === 'http:' || url.protocol === 'https:') return url;
      } catch {
        // falls through to the warning
      }
    }
    return this.fallback('computeEndpoint', value, undefined);
  }

  /** The Docker engine to use (`unix://…`, `tcp://…`, `ssh://…`), or undefined for what the Docker CLI would use. */
  get dockerHost(): string | undefined {
    const value = this.raw<unknown>('docker.host');
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'string' && /^(unix|tcp|npipe|ssh|https?):\/\//.test(value)) return value;
    return this.fallback('docker.host', value, undefined);
  }

  /** Globs of YAML files the user associated with container declarations (besides `*.cosvm.yaml`). */
  get declarationFiles(): string[] {
    const value = this.raw<unknown>('declaration.files');
    if (!Array.isArray(value)) return this.fallback('declaration.files', value, []);
    return value.filter((item): item is string => typeof item === 'string' && item !== '');
  }

  /** Validation mode for declarations that do not say: `cloud-init` (default) or `konlet`. */
  get declarationMode(): DeclarationMode {
    const value = this.raw<unknown>('declaration.defaultMode');
    if (value === 'konlet' || value === 'cloud-init') return value;
    return this.fallback('declaration.defaultMode', value, 'cloud-init');
  }

  /** The SSH login name; undefined means the local user name, as gcloud uses. */
  get sshUser(): string | undefined {
    const value = this.raw<unknown>('ssh.user');
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'string' && /^[a-z_][a-z0-9_.-]{0,31}$/.test(value)) return value;
    return this.fallback('ssh.user', value, undefined);
  }

  /** What carries tunnels (src/core/ssh/openSsh.ts, tunnel.ts). */
  get tunnelTransport(): TunnelTransportSetting {
    const value = this.raw<unknown>('ssh.tunnelTransport');
    if (value === 'auto' || value === 'openssh' || value === 'builtin') return value;
    return this.fallback('ssh.tunnelTransport', value, 'auto');
  }

  async addDeclarationFile(pattern: string): Promise<void> {
    const current = this.declarationFiles;
    if (current.includes(pattern)) return;
    await vscode.workspace.getConfiguration(section).update('declaration.files', [...current, pattern], this.writeTarget());
  }

  private writeTarget(): vscode.ConfigurationTarget {
    return vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  }

  async addProject(projectId: string): Promise<void> {
    const configuration = vscode.workspace.getConfiguration(section);
    const current = this.projects;
    if (current.includes(projectId)) return;
    await configuration.update('projects', [...current, projectId], this.writeTarget());
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }

  private raw<T>(key: ConfigKey): T | undefined {
    return vscode.workspace.getConfiguration(section).get<T>(key);
  }

  private fallback<T>(key: ConfigKey, value: unknown, defaultValue: T): T {
    this.warn(key, value);
    return defaultValue;
  }

  private warn(key: ConfigKey, value: unknown): void {
    const text = JSON.stringify(value);
    if (this.warned.has(`${key}=${text}`)) return;
    this.warned.add(`${key}=${text}`);
    this.log.warn(`Setting ${section}.${key} has an invalid value ${text}; using the valid part or the default.`);
  }
}

export function isProjectId(value: string): boolean {
  return projectIdPattern.test(value);
}
