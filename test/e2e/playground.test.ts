import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium } from '../support/browser';
import { repoRoot } from '../support/paths';
import { canConnect, waitFor } from '../support/processes';
import type { Page } from 'playwright-core';
import { openWorkbench, runPaletteCommand, screenshot, setTheme, treeRow } from '../support/workbench';

describe('npm start (the playground)', function () {
  this.timeout(480_000);
  let playground: ChildProcess | undefined;
  const runPrefix = `cosvm-pg-e2e-${process.pid}-`;
  // A fresh copy of examples/ for this run: the deploy journey edits the app and pins digests into it.
  const workspace = path.join(os.tmpdir(), `${runPrefix}workspace`);

  after(async () => {
    rmSync(workspace, { recursive: true, force: true });
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
      env: { ...process.env, COSVM_SKIP_SETUP: '1', COSVM_RUN_PREFIX: runPrefix, COSVM_PLAYGROUND_WORKSPACE: workspace },
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
      await openTunnelFromTheExplorer(page)
        .then(() => followLogsFromTheExplorer(page))
        .then(() => openTerminalFromTheExplorer(page))
        .then(() => konletLogsAndContainers(page))
        .then(() => stopTunnelFromTheView(page))
        .then(() => buildPushDeployFromThePalette(page, workspace))
        .then(() => migrateLegacyFromTheExplorer(page))
        .then(() => assertNoKeyMaterialInOutput(runPrefix))
        .catch(async (error: unknown) => {
        await screenshot(page, 'failed-playground-tunnel');
        await runPaletteCommand(page, 'COS: Show Log');
        await page.waitForTimeout(1000);
        await screenshot(page, 'failed-playground-tunnel-log');
        throw error;
      });
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

/**
 * The tunnel journey through the UI: web-1's context menu, the port pre-filled from its declaration (8080),
 * the local 8080 already taken (the playground's VMs share this machine's network) so a free port is chosen,
 * then a page fetched through the tunnel.
 */
async function openTunnelFromTheExplorer(page: Page): Promise<void> {
  await treeRow(page, 'web-1').click({ button: 'right' });
  // The workbench's menu ignores a click that lands while it is still opening; hover first, then press Enter.
  const menuItem = page.getByRole('menuitem', { name: 'Open SSH Tunnel…' });
  await menuItem.hover();
  await page.keyboard.press('Enter');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await waitFor('the remote port pre-filled from the declaration', async () => (await input.inputValue()) === '8080', 20_000);
  await input.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'Local port 8080 is already in use' }).waitFor();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Use a free port' }).click();
  const tunnelRow = treeRow(page, /^localhost:\d+ → web-1:8080$/);
  // The VM may or may not publish its host keys; when it does not, the user is asked once.
  const trust = page.getByRole('button', { name: 'Trust and Connect' });
  await Promise.race([tunnelRow.waitFor({ timeout: 60_000 }), trust.waitFor({ timeout: 60_000 }).then(() => trust.click())]);
  await tunnelRow.waitFor({ timeout: 60_000 });
  const label = (await tunnelRow.locator('.label-name').textContent()) ?? '';
  const localPort = Number(/^localhost:(\d+)/.exec(label)?.[1]);
  assert.notEqual(localPort, 8080);
  assert.equal(await (await fetch(`http://127.0.0.1:${localPort}/`)).text(), '<h1>Hello from a COS container</h1>\n');
  await page.locator('.statusbar-item', { hasText: '1 tunnel' }).waitFor();
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await screenshot(page, `tunnels-${theme}`);
  }
}

/** The log journey: web-1's "Follow Logs…", its container's journal, streamed into an output channel. */
async function followLogsFromTheExplorer(page: Page): Promise<void> {
  await treeRow(page, 'web-1').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Follow Logs…' }).hover();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'Follow logs of web-1' }).waitFor();
  // The first stream of a cloud-init VM is its first container's systemd unit journal.
  await page.keyboard.press('Enter');
  const output = page.locator('.part.panel');
  // Monaco renders spaces as no-break spaces, so match them with \s.
  await output.locator('.view-line', { hasText: /following\s\(last\s\d+\slines\sfirst\)/ }).waitFor({ timeout: 60_000 });
  await output.locator('.view-line', { hasText: /\[(info|notice|warn|err)\]/ }).first().waitFor({ timeout: 30_000 });
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await screenshot(page, `log-stream-${theme}`);
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/**
 * The SSH key the extension used (its own, in global storage, at 0600) must not appear in any output
 * channel: every channel's text is on disk under code-server's logs, so read them all.
 */
function assertNoKeyMaterialInOutput(runPrefix: string): void {
  const runDir = readdirSync(os.tmpdir()).find((name) => name.startsWith(runPrefix));
  assert.ok(runDir, 'the playground run directory');
  const files = filesUnder(path.join(os.tmpdir(), runDir));
  const gcloudKey = path.join(os.homedir(), '.ssh', 'google_compute_engine');
  const keyFile = files.find((file) => file.endsWith(path.join('globalStorage', 'cosvm.cosvm', 'ssh', 'cosvm_ed25519'))) ?? (existsSync(gcloudKey) ? gcloudKey : undefined);
  assert.ok(keyFile, 'the private key the extension used');
  if (keyFile !== gcloudKey) assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  const secretLines = readFileSync(keyFile, 'utf8').split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line));
  assert.ok(secretLines.length > 0, 'the key file has a base64 body');
  const outputs = files.filter((file) => file.includes(`${path.sep}logs${path.sep}`) && file.endsWith('.log'));
  const texts = outputs.map((file) => readFileSync(file, 'utf8'));
  // The check must have read the channels: the COS log and the journal stream are among them.
  // The default transport here is OpenSSH (`ssh` is installed): the tunnel whose page was fetched rode it.
  assert.ok(texts.some((text) => /Tunnel open: 127\.0\.0\.1:\d+ → .*web-1:8080 \(OpenSSH\)/.test(text)), `the COS log among ${outputs.length} log files`);
  assert.ok(texts.some((text) => text.includes('Started cosvm-web.service')), 'the journal stream channel');
  for (const [index, text] of texts.entries()) {
    for (const line of secretLines) assert.ok(!text.includes(line.slice(0, 40)), `key material in ${outputs[index] ?? ''}`);
  }
}

/** An interactive shell on web-1 in a VS Code terminal, through the same shared SSH connection. */
async function openTerminalFromTheExplorer(page: Page): Promise<void> {
  await treeRow(page, 'web-1').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Open SSH Terminal' }).hover();
  await page.keyboard.press('Enter');
  const terminal = page.locator('.terminal-wrapper.active .xterm-rows');
  await terminal.waitFor({ timeout: 30_000 });
  await page.locator('.terminal-wrapper.active .xterm-helper-textarea').focus();
  // The shell computes the answer, so the text we wait for is not simply our own input echoed.
  await page.keyboard.type('echo "cosvm-$((6*7)) on $(hostname)"');
  await page.keyboard.press('Enter');
  await terminal.getByText(/cosvm-42 on /).waitFor({ timeout: 30_000 });
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await screenshot(page, `ssh-terminal-${theme}`);
  }
}

/** A konlet VM: its serial console (Compute API), its container's `docker logs -f`, and `docker ps` on it. */
async function konletLogsAndContainers(page: Page): Promise<void> {
  const followLegacyStream = async (filter: string) => {
    await treeRow(page, 'legacy-1').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Follow Logs…' }).hover();
    await page.keyboard.press('Enter');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-widget', { hasText: 'Follow logs of legacy-1' }).waitFor();
    await input.fill(filter);
    await page.keyboard.press('Enter');
  };
  const output = page.locator('.part.panel');
  await followLegacyStream('serial');
  // The console shows konlet starting the container, as on a real COS VM (the panel renders only the last lines).
  await output.locator('.view-line', { hasText: /konlet-startup\[\d+\]:/ }).first().waitFor({ timeout: 30_000 });
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await screenshot(page, `log-serial-${theme}`);
  }
  await followLegacyStream('docker logs');
  // legacy-1 publishes no host keys (guest attributes are off), so the first SSH connection asks.
  const trust = page.getByRole('button', { name: 'Trust and Connect' });
  await trust.waitFor({ timeout: 30_000 });
  await screenshot(page, 'host-key-prompt-dark');
  await trust.click();
  await output.locator('.view-line', { hasText: /following\s\(last\s\d+\slines\sfirst\)/ }).waitFor({ timeout: 60_000 });

  await treeRow(page, 'legacy-1').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Show Containers on the VM' }).hover();
  await page.keyboard.press('Enter');
  // konlet names its container klt-<name>-<suffix>; the emulated VM shows only its own containers.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: /klt-legacy-/ }).first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.quick-input-list .monaco-list-row', { hasText: /web-1--|web-2--/ }).count(), 0);
  await screenshot(page, 'containers-quick-pick-dark');
  await page.keyboard.press('Escape');
}

/** The tunnel's inline Stop action: the row and the status-bar item go, and the local port is closed. */
async function stopTunnelFromTheView(page: Page): Promise<void> {
  const row = treeRow(page, /^localhost:\d+ → web-1:8080$/);
  const localPort = Number(/^localhost:(\d+)/.exec((await row.locator('.label-name').textContent()) ?? '')?.[1]);
  await row.hover();
  await row.getByRole('button', { name: 'Stop Tunnel' }).click();
  await row.waitFor({ state: 'detached', timeout: 20_000 });
  await page.locator('.statusbar-item', { hasText: /\d tunnels?/ }).waitFor({ state: 'detached', timeout: 20_000 });
  await assert.rejects(fetch(`http://127.0.0.1:${localPort}/`));
}

/**
 * The deploy journey from the palette, on the workspace's cosvm.yaml: build examples/app FROM scratch, push it to
 * the playground's registry, pin the digest into hello.cosvm.yaml, create web-3 with cloud-init and see it run that
 * digest; then change the app and deploy again (web-3 is updated and reset).
 */
async function buildPushDeployFromThePalette(page: Page, workspace: string): Promise<void> {
  const declarationFile = path.join(workspace, 'hello.cosvm.yaml');
  const deployed = page.locator('.notifications-toasts .notification-toast', { hasText: 'Deployed to web-3' });
  const deployOnce = async (previous: string | undefined): Promise<string> => {
    await runPaletteCommand(page, 'COS: Build, Push and Deploy');
    // web-3 is new and publishes no host keys: the check over SSH asks once.
    const trust = page.getByRole('button', { name: 'Trust and Connect' });
    let digest: string | undefined;
    await waitFor(
      'the deploy to report web-3 running the pushed digest',
      async () => {
        if (await trust.isVisible().catch(() => false)) await trust.click();
        digest = /hello@(sha256:[0-9a-f]{64})/.exec(readFileSync(declarationFile, 'utf8'))?.[1];
        const texts = await deployed.allTextContents();
        return digest !== undefined && digest !== previous && texts.some((text) => text.includes(`runs 127.0.0.1:5000/cosvm/hello@${digest ?? ''}`));
      },
      240_000,
      () => readFileSync(declarationFile, 'utf8'),
    );
    return digest ?? '';
  };

  const first = await deployOnce(undefined);
  // The comment lines of the declaration are still there: the digest went in as a minimal edit.
  assert.match(readFileSync(declarationFile, 'utf8'), /^# A container declaration/);
  assert.equal(await (await fetch('http://127.0.0.1:8083/')).text(), '<h1>Hello from a COS container</h1>\n');
  // "Show" opens the view container (a click on its tab would close the side bar when it is already open).
  await runPaletteCommand(page, 'View: Show COS');
  await treeRow(page, 'web-3').waitFor({ timeout: 60_000 });
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await screenshot(page, `deploy-${theme}`);
  }

  writeFileSync(path.join(workspace, 'app', 'www', 'index.html'), '<h1>Hello again, from a new digest</h1>\n');
  const second = await deployOnce(first);
  assert.notEqual(second, first);
  await waitFor('web-3 to serve the new app', async () => (await (await fetch('http://127.0.0.1:8083/').catch(() => undefined))?.text()) === '<h1>Hello again, from a new digest</h1>\n', 60_000);
  await screenshot(page, 'deploy-redeployed-dark');
  await setTheme(page, 'light');
}

/** legacy-1 runs on konlet: its context menu migrates it to cloud-init after a before/after diff of its metadata. */
async function migrateLegacyFromTheExplorer(page: Page): Promise<void> {
  await treeRow(page, 'legacy-1').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Migrate to cloud-init…' }).hover();
  await page.keyboard.press('Enter');
  const migrate = page.getByRole('button', { name: 'Migrate and Reset' });
  await migrate.waitFor({ timeout: 30_000 });
  // The diff editor behind the dialog: konlet's key on the left, user-data and our copy on the right.
  await page.locator('.monaco-diff-editor .view-line', { hasText: 'user-data' }).first().waitFor({ timeout: 20_000 });
  await screenshot(page, 'migrate-preview-dark');
  await migrate.click();
  await page.locator('.notifications-toasts .notification-toast', { hasText: 'legacy-1 now runs its container with cloud-init' }).waitFor({ timeout: 120_000 });
  await runPaletteCommand(page, 'View: Show COS');
  await page.locator('.pane-body .monaco-list-row', { hasText: /legacy-1\s*running · cloud-init/ }).first().waitFor({ timeout: 60_000 });
  // After the reset, cloud-init runs the same container: konlet's port answers again.
  await waitFor('legacy-1 to serve again under cloud-init', async () => (await fetch('http://127.0.0.1:8082/').catch(() => undefined))?.ok === true, 90_000);
  await screenshot(page, 'migrate-done-dark');
}
