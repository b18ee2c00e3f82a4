/** One code-server with the extension installed, and one Chromium, for the whole e2e tier. */
import { cpSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../emulator/server';
import { launchChromium } from '../support/browser';
import { playgroundProject, seedPlaygroundProject } from '../support/playgroundProject';
import { startCodeServer, type CodeServer } from '../support/codeServer';
import { repoRoot } from '../support/paths';
import { ProcessGroup } from '../support/processes';
import { installExtension } from '../support/workbench';

export { playgroundProject };

export interface E2eFixture {
  group: ProcessGroup;
  server: CodeServer;
  browser: Browser;
  workspace: string;
  emulator: Emulator;
  newPage(): Promise<Page>;
}

let current: E2eFixture | undefined;

export function e2e(): E2eFixture {
  if (!current) throw new Error('the e2e fixture is not running');
  return current;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    const group = new ProcessGroup('cosvm-e2e-');
    let emulator: Emulator | undefined;
    try {
      const workspace = path.join(group.runDir, 'workspace');
      cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true });
      emulator = await startEmulator();
      await seedPlaygroundProject(new URL(emulator.url));
      await emulator.settle();
      // The workspace starts without projects (the welcome view); a test adds the emulated one.
      const server = await startCodeServer(group, { folder: workspace, settings: { 'cosvm.computeEndpoint': emulator.url } });
      installExtension(server);
      const browser = await launchChromium();
      current = { group, server, browser, workspace, emulator, newPage: () => browser.newPage() };
    } catch (error) {
      await emulator?.close();
      await group.stopAll();
      throw error;
    }
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    if (!current) return;
    await current.browser.close();
    await current.emulator.close();
    await current.group.stopAll();
    await current.group.removeRunDir();
    current = undefined;
  },
};
