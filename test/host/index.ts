/**
 * Runs inside the real extension host: the `extensionTestsPath` entry point shared by code-server's
 * `payload` route and @vscode/test-electron. It runs the mocha suite and writes the outcome to
 * COSVM_TEST_RESULTS for the driver, since the host's console is not ours to read.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface HostTestOutcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env['COSVM_TEST_GREP'];
  if (grep) mocha.grep(grep);
  const suiteDir = path.join(__dirname, 'suite');
  for (const file of readdirSync(suiteDir).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(suiteDir, file));
  const outcomes: HostTestOutcome[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (test) => outcomes.push({ title: test.fullTitle(), state: 'passed', ...(test.duration !== undefined ? { durationMs: test.duration } : {}) }));
    runner.on('pending', (test) => outcomes.push({ title: test.fullTitle(), state: 'pending' }));
    runner.on('fail', (test, error: Error) => outcomes.push({ title: test.fullTitle(), state: 'failed', error: error.stack ?? error.message }));
  });
  const resultsFile = process.env['COSVM_TEST_RESULTS'];
  if (resultsFile) writeFileSync(resultsFile, JSON.stringify(outcomes, null, 2));
  if (failures > 0) throw new Error(`${failures} host test(s) failed.`);
}
