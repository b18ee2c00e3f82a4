import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openWorkbench, runPaletteCommand, screenshot, setTheme } from '../support/workbench';
import { e2e } from './hooks';

describe('COS view in the workbench (code-server + Chromium)', function () {
  this.timeout(120_000);
  let page: Page;

  before(async () => {
    page = await e2e().newPage();
    await openWorkbench(page, e2e().server.url);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await page.close();
  });

  it('opens the COS view from the activity bar and shows its welcome content', async () => {
    await page.getByRole('tab', { name: /^COS/ }).click();
    await page.getByText('No Google Cloud project is configured yet.').waitFor();
    await page.getByText('No SSH tunnels are open.').waitFor();
    await setTheme(page, 'light');
    await screenshot(page, 'explorer-welcome-light');
    await setTheme(page, 'dark');
    await screenshot(page, 'explorer-welcome-dark');
  });

  it('adds a project through the palette command and shows it in the explorer', async () => {
    await runPaletteCommand(page, 'COS: Add Project…');
    const input = page.locator('.quick-input-widget input');
    await input.fill('Bad_Project');
    await page.getByText('A project ID has 6–30 lower-case letters').waitFor();
    await input.fill('cosvm-playground');
    await page.keyboard.press('Enter');
    const item = page.locator('.pane-body .monaco-list-row', { hasText: 'cosvm-playground' });
    await item.waitFor();
    assert.equal(await item.count(), 1);
    // The emulated project's instances stream in by zone.
    const row = (text: string) => page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
    await row('us-central1-a').click();
    await row('web-1').waitFor();
    await row('europe-west1-b').click();
    await row('Managed instance groups').click();
    await row('web-mig').click();
    await page.locator('.pane-body .monaco-list-row', { hasText: /web-mig-/ }).first().waitFor();
    await row('Instance templates').click();
    await row('web-template-v1').waitFor();
    await row('web-1').hover();
    await page.locator('.monaco-hover-content', { hasText: 'Deploy mode' }).waitFor();
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await screenshot(page, `explorer-project-${theme}`);
      await row('legacy-1').hover();
      await page.locator('.monaco-hover-content', { hasText: 'konlet' }).waitFor();
      await screenshot(page, `explorer-tooltip-${theme}`, { keepPointer: true });
    }
  });

  it('shows the COS log in the output panel', async () => {
    await runPaletteCommand(page, 'COS: Show Log');
    const output = page.locator('.part.panel');
    // Monaco renders spaces as no-break spaces, so match them with \s.
    await output.locator('.view-line', { hasText: /COS\sContainer\sVMs\s\S+\sactivated/ }).waitFor();
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await screenshot(page, `output-log-${theme}`);
    }
  });
});
