/** Driving the VS Code workbench in Chromium: install, open, palette, theme, screenshots. */
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { CodeServer } from './codeServer';
import { repoRoot, testResults } from './paths';
import { waitFor } from './processes';

/** Installs this checkout into code-server's extensions dir, as an unpacked extension (like a VSIX does). */
export function installExtension(server: CodeServer): void {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  symlinkSync(repoRoot, path.join(server.extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
}

export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The activity bar appears once the workbench has restored its parts; our tab, once extensions are scanned.
  await page.locator('.activitybar').waitFor({ timeout: 60_000 });
  await page.getByRole('tab', { name: /^COS/ }).waitFor({ timeout: 60_000 });
}

/** Rows of the trees in the side bar whose label (not description) is exactly `label`, or matches it. */
export function treeRows(page: Page, label: string | RegExp): Locator {
  const pattern = typeof label === 'string' ? new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : label;
  return page.locator('.pane-body .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: pattern }) });
}

export function treeRow(page: Page, label: string | RegExp): Locator {
  return treeRows(page, label).first();
}

/** Expands a tree row unless it is expanded already, and waits until the tree says it is. */
export async function expandTreeRow(page: Page, label: string): Promise<void> {
  const row = treeRow(page, label);
  await row.waitFor();
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await waitFor(`"${label}" to expand`, async () => (await row.getAttribute('aria-expanded')) === 'true', 30_000);
}

/** Runs a command through the palette by its visible label, e.g. "COS: Show Log". */
export async function runPaletteCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${label}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
  await page.keyboard.press('Enter');
}

export type Theme = 'light' | 'dark' | 'high-contrast';

/**
 * Switches the color theme the way the OS would: the workbench follows `prefers-color-scheme` (and forced
 * colors, for high contrast) because the test settings turn on `window.autoDetectColorScheme`.
 */
export async function setTheme(page: Page, theme: Theme): Promise<void> {
  await page.emulateMedia({ colorScheme: theme === 'light' ? 'light' : 'dark', forcedColors: theme === 'high-contrast' ? 'active' : 'none' });
  const themeClass = { light: 'vs', dark: 'vs-dark', 'high-contrast': 'hc-black' }[theme];
  await page.locator(`.monaco-workbench.${themeClass}`).waitFor({ timeout: 20_000 });
  // Let the theme's CSS settle before a screenshot.
  await page.waitForTimeout(300);
}

export async function screenshot(page: Page, name: string, options: { keepPointer?: boolean } = {}): Promise<string> {
  const dir = path.join(testResults, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  // Park the pointer so no hover tooltip covers the view, unless the hover is the subject.
  if (!options.keepPointer) await page.mouse.move(800, 700);
  await page.screenshot({ path: file });
  return file;
}
