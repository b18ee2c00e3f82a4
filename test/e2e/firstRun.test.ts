import * as assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startCodeServer } from '../support/codeServer';
import { repoRoot } from '../support/paths';
import { expandTreeRow, installExtension, runPaletteCommand, screenshot, setTheme, treeRow } from '../support/workbench';
import { e2e } from './hooks';

const missingDocker = 'unix:///nonexistent-cosvm/docker.sock';

/**
 * A new user's first window: Workspace Trust on and the folder not trusted, no Docker engine, no Google
 * credentials (Google's endpoint, no ADC). Each state must say what to do next.
 */
describe('first run: untrusted folder, no Docker, no credentials (code-server + Chromium)', function () {
  this.timeout(180_000);
  let page: Page;

  before(async () => {
    const { group } = e2e();
    const workspace = path.join(group.runDir, 'first-run-workspace');
    cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true });
    const server = await startCodeServer(group, {
      name: 'first-run',
      folder: workspace,
      settings: {
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'always',
        'cosvm.projects': ['cosvm-playground'],
        'cosvm.docker.host': missingDocker,
      },
    });
    installExtension(server);
    page = await e2e().newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(server.url);
    const distrust = page.getByRole('button', { name: "No, I don't trust the authors" });
    await distrust.waitFor({ timeout: 60_000 });
    await setTheme(page, 'light');
    await screenshot(page, 'first-run-trust-prompt');
    await distrust.click();
    await page.getByRole('tab', { name: /^COS/ }).waitFor({ timeout: 60_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await page.close();
  });

  it('in Restricted Mode: the explorer and validation work, a build is refused with the reason and a way to trust', async () => {
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor();
    await page.getByRole('tab', { name: /^COS/ }).click();
    // No credentials: the project's instances say how to sign in, inside the tree.
    await expandTreeRow(page, 'cosvm-playground');
    await expandTreeRow(page, 'Instances');
    await treeRow(page, 'No Google Cloud credentials. Click to sign in with gcloud.').waitFor({ timeout: 60_000 });

    // Validation: a typo'd key in the declaration is marked as you type.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('hello.cosvm.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'hello.cosvm.yaml' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-line', { hasText: 'restartPolicy' }).waitFor();
    await page.locator('.monaco-editor .view-line', { hasText: 'restartPolicy' }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('restartPolicyy: Never');
    await runPaletteCommand(page, 'View: Focus Problems');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'restartPolicyy' }).first().waitFor({ timeout: 30_000 });

    await runPaletteCommand(page, 'COS: Build');
    const refusal = page.locator('.notification-toast', { hasText: 'Build is disabled in Restricted Mode' });
    await refusal.waitFor();
    assert.match((await refusal.textContent()) ?? '', /it acts on your VMs with content from this folder\. Trust the folder to use it\./);
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await screenshot(page, `first-run-restricted-${theme}`);
    }
    await refusal.getByRole('button', { name: 'Manage Workspace Trust' }).click();
    await page.getByRole('button', { name: 'Trust', exact: true }).click();
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ state: 'detached' });
    await runPaletteCommand(page, 'View: Close All Editors');
    const dontSave = page.getByRole('button', { name: "Don't Save" });
    if (await dontSave.isVisible({ timeout: 2000 }).catch(() => false)) await dontSave.click();
  });

  it('no Docker: a failed build says which setup check failed, with its fix, Diagnose Setup and the log', async () => {
    await runPaletteCommand(page, 'Notifications: Clear All Notifications');
    await runPaletteCommand(page, 'COS: Build');
    const failure = page.locator('.notification-toast', { hasText: 'Setup check "Docker engine" failed' });
    await failure.waitFor({ timeout: 60_000 });
    assert.match((await failure.textContent()) ?? '', new RegExp(`No Docker engine answers at ${missingDocker.replace(/[/.]/g, '\\$&')} \\(from the setting cosvm\\.docker\\.host\\)\\.`));
    for (const button of ['Set the Docker Host', 'Diagnose Setup', 'Show Log']) await failure.getByRole('button', { name: button }).waitFor();
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await screenshot(page, `first-run-no-docker-${theme}`);
    }
    // The fix opens the setting itself.
    await failure.getByRole('button', { name: 'Set the Docker Host' }).click();
    await page.locator('.settings-editor .setting-item-contents', { hasText: 'Docker' }).first().waitFor();
    await runPaletteCommand(page, 'View: Close All Editors');
  });

  it('Diagnose Setup lists every check with what it found and the next step', async () => {
    await runPaletteCommand(page, 'COS: Diagnose Setup');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    const row = (title: string) => rows.filter({ hasText: title }).first();
    await row('Docker engine').filter({ hasText: 'No Docker engine answers' }).waitFor({ timeout: 60_000 });
    await row('Google credentials and Compute API').filter({ hasText: 'No usable Google Cloud credentials' }).waitFor({ timeout: 60_000 });
    await row('SSH to an instance').filter({ hasText: 'No instance was chosen' }).waitFor();
    await row('COS image family').filter({ hasText: 'Sign in first' }).waitFor({ timeout: 60_000 });
    await row('Registry credentials').filter({ hasText: '127.0.0.1:5000' }).waitFor({ timeout: 60_000 });
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await screenshot(page, `diagnose-setup-${theme}`);
    }
    // Keyboard: the credentials row's fix is one Enter away; it opens gcloud's sign-in in a terminal.
    await page.locator('.quick-input-widget input').fill('Google credentials');
    await page.keyboard.press('Enter');
    await page.locator('.terminal-tab, .single-terminal-tab', { hasText: 'gcloud sign-in' }).first().waitFor();
    await runPaletteCommand(page, 'View: Hide Panel');
  });

  it('the getting-started walkthrough checks off what this workspace has done', async () => {
    await runPaletteCommand(page, 'View: Close All Editors');
    await runPaletteCommand(page, 'COS: Get Started with COS Container VMs');
    const step = (title: string) => page.locator('.getting-started-step', { hasText: title }).first();
    await step('Sign in and pick a project').waitFor();
    // The workspace has a cosvm.yaml, and a declaration was opened in the first test.
    await page.locator('.getting-started-step[aria-checked="true"]', { hasText: 'Create the deploy profile' }).waitFor();
    await page.locator('.getting-started-step[aria-checked="true"]', { hasText: 'Open or create a container declaration' }).waitFor();
    assert.equal(await page.locator('.getting-started-step[aria-checked="true"]', { hasText: 'Sign in and pick a project' }).count(), 0);
    // Room for the walkthrough's two columns: the steps beside their media.
    await runPaletteCommand(page, 'Notifications: Clear All Notifications');
    await page.setViewportSize({ width: 1680, height: 900 });
    await step('Create the deploy profile').click();
    // The step's media is a markdown page rendered in a webview frame.
    await page.locator('.getting-started-media iframe').first().waitFor();
    await page.waitForTimeout(1000);
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await screenshot(page, `walkthrough-${theme}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
