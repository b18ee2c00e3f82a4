/**
 * Real VS Code: code-server 4.100.3 (VS Code 1.100.3) from .tools/code-server, started on a free loopback
 * port with its own user-data and extensions directories (TESTING.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { canConnect, freePort, waitFor, type ProcessGroup } from './processes';
import { repoRoot } from './paths';

export const codeServerBin = path.join(repoRoot, '.tools/code-server/node_modules/.bin/code-server');

export interface CodeServer {
  port: number;
  /** `http://127.0.0.1:PORT/` */
  url: string;
  userDataDir: string;
  extensionsDir: string;
  /** A workbench URL for `folder`, optionally with an extension-development / extension-tests payload. */
  workbenchUrl(folder: string, payload?: { extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
}

export interface CodeServerOptions {
  name?: string;
  /** User settings.json contents. */
  settings?: Record<string, unknown>;
  /** Extra environment, inherited by the extension host. */
  env?: Record<string, string>;
  port?: number;
  /** Opened when the bare URL is visited. */
  folder?: string;
}

/** Settings that keep a test workbench quiet and deterministic. */
export const quietSettings: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.colorTheme': 'Default Light Modern',
  'window.autoDetectColorScheme': true,
  'workbench.preferredLightColorTheme': 'Default Light Modern',
  'workbench.preferredDarkColorTheme': 'Default Dark Modern',
  'window.commandCenter': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.openRepositoryInParentFolders': 'never',
  // The DOM renderer puts terminal text in the page, where a test can read it.
  'terminal.integrated.gpuAcceleration': 'off',
};

function withoutAdc(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy['GOOGLE_APPLICATION_CREDENTIALS'];
  return copy;
}

export async function startCodeServer(group: ProcessGroup, options: CodeServerOptions = {}): Promise<CodeServer> {
  const name = options.name ?? 'code-server';
  const root = path.join(group.runDir, name);
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...quietSettings, ...options.settings }, null, 2));
  const port = options.port ?? (await freePort());
  group.spawn(
    name,
    codeServerBin,
    [
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      ...(options.folder ? [options.folder] : []),
    ],
    // Our own gcloud config dir and no ADC variable keep the developer's gcloud project and credentials out
    // of tests (gce-api-notes.md §7); METADATA_SERVER_DETECTION stops the auth library probing the GCE metadata server.
    { env: { ...withoutAdc(process.env), CLOUDSDK_CONFIG: path.join(root, 'gcloud'), METADATA_SERVER_DETECTION: 'none', ...options.env } },
  );
  await waitFor(name, () => canConnect(port), 60_000, () => group.logOf(name));
  const url = `http://127.0.0.1:${port}/`;
  return {
    port,
    url,
    userDataDir,
    extensionsDir,
    workbenchUrl(folder, payload) {
      const query = new URLSearchParams({ folder });
      const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
      const entries: [string, string][] = [];
      if (payload?.extensionDevelopmentPath) entries.push(['extensionDevelopmentPath', remote(payload.extensionDevelopmentPath)]);
      if (payload?.extensionTestsPath) entries.push(['extensionTestsPath', remote(payload.extensionTestsPath)]);
      if (entries.length > 0) query.set('payload', JSON.stringify(entries));
      return `${url}?${query.toString()}`;
    },
  };
}
