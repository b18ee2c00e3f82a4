import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { launchChromium } from '../support/browser';
import { repoRoot } from '../support/paths';
import { canConnect, waitFor } from '../support/processes';
import { openWorkbench, screenshot, setTheme } from '../support/workbench';

describe('npm start (the playground)', function () {
  this.timeout(180_000);
  let playground: ChildProcess | undefined;
  const runPrefix = `cosvm-pg-e2e-${process.pid}-`;

  after(async () => {
    // Its own process group holds only what this test started. After a failure, stop it as Ctrl-C would,
    // so the playground still stops its daemons; kill whatever is left after that.
    const pid = playground?.pid;
    if (pid === undefined || !processGroupAlive(pid)) return;
    process.kill(-pid, 'SIGINT');
    await waitFor('the playground to stop', () => !processGroupAlive(pid), 40_000).catch(() => undefined);
    if (processGroupAlive(pid)) process.kill(-pid, 'SIGKILL');
  });

  it('prints one URL line, serves the workbench with the extension, and stops everything on Ctrl-C', async () => {
    // Set-up already ran for this test run; the playground itself is what is under test.
    playground = spawn('npm', ['start', '--silent'], {
      cwd: repoRoot,
      env: { ...process.env, COSVM_SKIP_SETUP: '1', COSVM_RUN_PREFIX: runPrefix },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    playground.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitFor('the playground URL', () => stdout.includes('\n'), 90_000, () => stdout);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 1, stdout);
    const match = /^cosvm playground: (http:\/\/127\.0\.0\.1:(\d+)\/)$/.exec(lines[0] ?? '');
    assert.ok(match, stdout);
    const [, url, port] = match;

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await openWorkbench(page, url ?? '');
      await page.getByRole('tab', { name: /^COS/ }).click();
      await page.locator('.pane-header', { hasText: 'Explorer' }).first().waitFor();
      // It opens on the emulated project, whose VMs run the sample app.
      await page.locator('.pane-body .monaco-list-row', { hasText: 'cosvm-playground' }).first().waitFor({ timeout: 60_000 });
      await page.locator('.pane-body .monaco-list-row', { hasText: 'us-central1-a' }).first().click({ timeout: 60_000 });
      await page.locator('.pane-body .monaco-list-row', { hasText: 'legacy-1' }).first().waitFor({ timeout: 60_000 });
      assert.equal(await (await fetch('http://127.0.0.1:8080/')).text(), '<h1>Hello from a COS container</h1>\n');
      for (const theme of ['light', 'dark'] as const) {
        await setTheme(page, theme);
        await screenshot(page, `playground-${theme}`);
      }
    } finally {
      await browser.close();
    }

    const exited = new Promise<string>((resolve) => playground?.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-(playground.pid ?? 0), 'SIGINT');
    // npm re-raises the SIGINT it got, so it ends by that signal; the playground itself exits 0.
    assert.match(await exited, /^(0|SIGINT)$/);
    await waitFor('code-server to stop', async () => !(await canConnect(Number(port))), 20_000);
    await waitFor('every process of the playground to end', () => !processGroupAlive(playground?.pid ?? 0), 20_000);
    // Daemons that leave the process group (containerd shims of the playground's dockerd) must be gone too.
    assert.deepEqual(processesMentioning(runPrefix), []);
  });
});

/** Live processes whose command line mentions `text` (zombies have an empty one). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(text)) found.push(`${pid} ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
