/**
 * The host tier: starts code-server, opens the workbench with the `payload` that loads this extension
 * under development and runs test/host/index.js inside the real extension host, then reports.
 * Usage: node out/test/host/driver.js
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startEmulator } from '../emulator/server';
import { launchChromium } from '../support/browser';
import { seedPlaygroundProject } from '../support/playgroundProject';
import { startCodeServer } from '../support/codeServer';
import { repoRoot, testResults, type TierResult } from '../support/paths';
import { ProcessGroup, waitFor } from '../support/processes';
import type { HostTestOutcome } from './index';

async function main(): Promise<void> {
  const group = new ProcessGroup('cosvm-host-');
  const resultsFile = path.join(group.runDir, 'host-results.json');
  let outcomes: HostTestOutcome[] = [];
  let closeEmulator: () => Promise<void> = () => Promise.resolve();
  try {
    // A private copy of the sample workspace: the tests write settings into it.
    const workspace = path.join(group.runDir, 'workspace');
    cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true });
    // The emulated project the explorer tests open on.
    const emulator = await startEmulator();
    closeEmulator = () => emulator.close();
    await seedPlaygroundProject(new URL(emulator.url));
    await emulator.settle();
    const server = await startCodeServer(group, {
      env: {
        COSVM_TEST_RESULTS: resultsFile,
        COSVM_TEST_EMULATOR_URL: emulator.url,
        ...(process.env['COSVM_TEST_GREP'] ? { COSVM_TEST_GREP: process.env['COSVM_TEST_GREP'] } : {}),
      },
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(server.workbenchUrl(workspace, { extensionDevelopmentPath: repoRoot, extensionTestsPath: path.join(__dirname, 'index.js') }));
      await waitFor('the host test results', () => existsSync(resultsFile), 300_000, () => `${group.logOf('code-server')}\n${pageErrors.join('\n')}`);
      outcomes = JSON.parse(readFileSync(resultsFile, 'utf8')) as HostTestOutcome[];
    } finally {
      await browser.close();
    }
  } finally {
    await closeEmulator();
    await group.stopAll();
    await group.removeRunDir();
  }
  const result: TierResult = { tier: 'host', passes: 0, failures: 0, pending: 0, failed: [] };
  for (const outcome of outcomes) {
    const mark = outcome.state === 'passed' ? '✔' : outcome.state === 'failed' ? '✖' : '-';
    console.log(`  ${mark} ${outcome.title}${outcome.durationMs !== undefined ? ` (${outcome.durationMs} ms)` : ''}`);
    if (outcome.error) console.log(`      ${outcome.error.split('\n').join('\n      ')}`);
    if (outcome.state === 'passed') result.passes++;
    else if (outcome.state === 'pending') result.pending++;
    else {
      result.failures++;
      result.failed.push(outcome.title);
    }
  }
  mkdirSync(testResults, { recursive: true });
  writeFileSync(path.join(testResults, 'host.json'), JSON.stringify(result, null, 2));
  process.exitCode = result.failures > 0 || result.passes === 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
