import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { waitFor } from '../support/processes';
import { openWorkbench, runPaletteCommand, screenshot, setTheme } from '../support/workbench';
import { e2e } from './hooks';

const sample = `# The API tier, edited in the form.
spec:
  containers:
  - name: api # the only container
    image: europe-west1-docker.pkg.dev/my-project/apps/api:2.0
    args:
    - --port
    - "9090"
    env:
    - name: API_TOKEN
      value: abc123secret
  restartPolicy: always
`;

describe('declaration form editor in the workbench', function () {
  this.timeout(120_000);
  let page: Page;
  let form: FrameLocator;
  const file = () => path.join(e2e().workspace, 'api.cosvm.yaml');

  before(async () => {
    writeFileSync(file(), sample);
    page = await e2e().newPage();
    await openWorkbench(page, e2e().server.url);
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('api.cosvm.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'api.cosvm.yaml' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-line', { hasText: 'restartPolicy' }).waitFor();
    await runPaletteCommand(page, 'COS: Open Declaration Form');
    // A webview is an iframe holding the page's own iframe.
    form = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await form.getByRole('tab', { name: 'Form' }).waitFor({ timeout: 30_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await page.close();
  });

  it('shows the declaration as a form with each diagnostic next to its field, in every theme', async () => {
    await form.getByText(/Unsupported restart policy "always"/).first().waitFor({ timeout: 30_000 });
    await form.getByText(/API_TOKEN/).first().waitFor();
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      await setTheme(page, theme);
      await screenshot(page, `form-editor-${theme}`);
    }
    await setTheme(page, 'dark');
  });

  it('writes a form change into the YAML as a minimal edit, comments kept', async () => {
    await form.getByRole('combobox', { name: 'Restart policy' }).click();
    await form.getByRole('option', { name: 'Always', exact: true }).click();
    await form.getByText(/Unsupported restart policy/).first().waitFor({ state: 'detached', timeout: 20_000 });
    await page.keyboard.press('Control+S');
    const expected = sample.replace('restartPolicy: always', 'restartPolicy: Always');
    for (let i = 0; i < 50 && readFileSync(file(), 'utf8') !== expected; i++) await page.waitForTimeout(200);
    assert.equal(readFileSync(file(), 'utf8'), expected);
  });

  it('turns read-only with a banner pointing at the error when the YAML breaks, and recovers', async () => {
    const good = readFileSync(file(), 'utf8');
    // An external edit: a tab where YAML needs spaces.
    writeFileSync(file(), good.replace('  restartPolicy:', '\trestartPolicy:'));
    await form.getByText(/The YAML cannot be parsed \(line 12, column 1\)/).waitFor({ timeout: 20_000 });
    await screenshot(page, 'form-editor-broken-yaml-dark');
    writeFileSync(file(), good);
    await form.getByText(/The YAML cannot be parsed/).waitFor({ state: 'hidden', timeout: 20_000 });
  });

  it('previews what deploy would write, and keeps the chosen tab when hidden and shown again', async () => {
    await form.getByRole('tab', { name: 'Preview' }).click();
    await form.getByText('#cloud-config').first().waitFor({ timeout: 20_000 });
    await screenshot(page, 'form-editor-preview-dark');
    const tabs = page.locator('.tabs-container .tab');
    await tabs.nth(0).click(); // the YAML text editor hides the form
    await page.locator('.monaco-editor .view-line', { hasText: 'restartPolicy' }).waitFor();
    await tabs.nth(1).click();
    await form.getByText('#cloud-config').first().waitFor({ timeout: 20_000 });
    assert.equal(await form.getByRole('tab', { name: 'Preview' }).getAttribute('aria-selected'), 'true');
  });

  it('works from the keyboard: type and Enter commits a field, Tab reaches the next control, Space presses it', async () => {
    await form.getByRole('tab', { name: 'Form' }).click();
    const image = form.getByRole('textbox', { name: 'Image' });
    // The form was just shown again: it is read-only until the host's document arrives and fills it in.
    await waitFor('the form to show the image', async () => (await image.inputValue()) === 'europe-west1-docker.pkg.dev/my-project/apps/api:2.0', 20_000);
    await image.click();
    // Not Ctrl+A: the workbench runs select-all in a webview asynchronously, so it would land mid-typing.
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type('europe-west1-docker.pkg.dev/my-project/apps/api:2.1');
    await page.keyboard.press('Enter');
    // The next control after the image is "Add command item" (the digest badge and the warning take no focus).
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Control+S');
    const expectedStart = sample.replace('restartPolicy: always', 'restartPolicy: Always').replace('apps/api:2.0', 'apps/api:2.1');
    let text = '';
    for (let i = 0; i < 50; i++) {
      text = readFileSync(file(), 'utf8');
      if (text.includes('apps/api:2.1') && text.includes('command:')) break;
      await page.waitForTimeout(200);
    }
    // The image changed in place; a command list with one empty item was added to the container; the rest is as it was.
    assert.equal(text.replace(/\n    command:\n    - ""\n/, '\n'), expectedStart);
  });
});
