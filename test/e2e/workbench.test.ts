import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { expandTreeRow, openWorkbench, runPaletteCommand, screenshot, setTheme, treeRow, treeRows } from '../support/workbench';
import { waitFor } from '../support/processes';
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
    await expandTreeRow(page, 'us-central1-a');
    await treeRow(page, 'web-1').waitFor();
    await expandTreeRow(page, 'Managed instance groups');
    // The MIG's zone stays collapsed, so these rows are its members.
    await expandTreeRow(page, 'web-mig');
    await treeRows(page, /^web-mig-/).nth(2).waitFor();
    await expandTreeRow(page, 'Instance templates');
    await treeRow(page, 'web-template-v1').waitFor();
    await treeRow(page, 'web-1').hover();
    await page.locator('.monaco-hover-content', { hasText: 'Deploy mode' }).waitFor();
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await screenshot(page, `explorer-project-${theme}`);
      await treeRow(page, 'legacy-1').hover();
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

  it('an unreachable instance: Diagnose Setup from its context menu says why, and what to do', async () => {
    // A VM without an external IP (as behind Cloud NAT), created the way gcloud would.
    const instances = `${e2e().emulator.url}/compute/v1/projects/cosvm-playground/zones/us-central1-a/instances`;
    const created = await fetch(instances, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'private-1',
        machineType: 'zones/us-central1-a/machineTypes/e2-small',
        disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/cos-cloud/global/images/family/cos-stable' } }],
        networkInterfaces: [{ network: 'global/networks/default' }],
      }),
    });
    assert.equal(created.status, 200, await created.text());
    await waitFor('private-1 to run', async () => ((await (await fetch(`${instances}/private-1`)).json()) as { status?: string }).status === 'RUNNING', 60_000);
    await runPaletteCommand(page, 'COS: Refresh Explorer');
    await treeRow(page, 'private-1').waitFor({ timeout: 60_000 });
    await treeRow(page, 'private-1').click({ button: 'right' });
    // The workbench's menu ignores a click that lands while it is still opening; hover first, then press Enter.
    await page.getByRole('menuitem', { name: 'Diagnose Setup' }).hover();
    await page.keyboard.press('Enter');
    const sshRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'SSH to an instance' });
    await sshRow.filter({ hasText: 'private-1 has no external IP address' }).waitFor({ timeout: 60_000 });
    await sshRow.filter({ hasText: 'IAP tunnelling is not supported yet' }).waitFor();
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await screenshot(page, `diagnose-unreachable-${theme}`);
    }
    await page.keyboard.press('Escape');
  });
});
