import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, screenshot, setTheme } from '../support/workbench';
import { e2e } from './hooks';

const sample = `# The web tier. cosvm checks this file as you type.
spec:
  containers:
  - name: web
    image: europe-west1-docker.pkg.dev/my-project/apps/web:1.4
    command:
    - /bin/busybox httpd -f
    env:
    - name: DB_PASSWORD
      value: hunter22
    volumeMounts:
    - name: cache
      mountPath: /cache
  volumes:
  - name: data
    hostPath:
      path: /opt/web/data
  restartPolicy: always
`;

describe('declaration editor in the workbench', function () {
  this.timeout(120_000);
  let page: Page;

  before(async () => {
    writeFileSync(path.join(e2e().workspace, 'web.cosvm.yaml'), sample);
    page = await e2e().newPage();
    await openWorkbench(page, e2e().server.url);
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('web.cosvm.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'web.cosvm.yaml' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-line', { hasText: 'restartPolicy' }).waitFor();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await page.close();
  });

  it('shows the problems with squiggles and in the Problems panel', async () => {
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel');
    await problems.getByText(/Unsupported restart policy "always"/).waitFor();
    await problems.getByText(/read-only root/).first().waitFor();
    await problems.getByText(/Volume "cache" is mounted but not defined/).waitFor();
    // The editor draws its squiggles a moment after the Problems panel lists the markers.
    await page.locator('.monaco-editor .squiggly-error').nth(1).waitFor();
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await screenshot(page, `declaration-diagnostics-${theme}`);
    }
  });

  it('shows field documentation on hover', async () => {
    const key = page.locator('.monaco-editor .view-line span', { hasText: /^command$/ }).first();
    await key.hover();
    const hover = page.locator('.monaco-hover-content', { hasText: 'Not split on spaces' });
    await hover.waitFor();
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await key.hover();
      await hover.waitFor();
      await screenshot(page, `declaration-hover-${theme}`, { keepPointer: true });
    }
  });

  it('fixes the restart policy from the quick-fix menu', async () => {
    await page.locator('.monaco-editor .view-line span', { hasText: /^always$/ }).first().click();
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Change to "Always"' });
    await fix.waitFor();
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await screenshot(page, `declaration-quickfix-${theme}`, { keepPointer: true });
    }
    // The fix is the focused row; keyboard selection is what users do after Ctrl+.
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-line', { hasText: /restartPolicy:\sAlways/ }).waitFor();
    await page.locator('.markers-panel').getByText(/Unsupported restart policy/).waitFor({ state: 'detached' });
  });
});
