/**
 * Runs one test tier under mocha and writes its counts to test-results/<tier>.json for the summary.
 * Usage: node out/test/runTier.js unit|integration|e2e
 * A tier folder may hold `hooks.js` exporting mocha root hooks (e.g. starting its services).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { repoRoot, type TierResult } from './support/paths';

function findTests(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  });
}

async function main(): Promise<void> {
  const tier = process.argv[2];
  if (!tier) throw new Error('usage: runTier <tier>');
  const dir = path.join(__dirname, tier);
  const mocha = new Mocha({ timeout: tier === 'unit' ? 10_000 : 120_000, reporter: 'spec', color: true });
  const grep = process.env['COSVM_TEST_GREP'];
  if (grep) mocha.grep(grep);
  const hooks = path.join(dir, 'hooks.js');
  if (existsSync(hooks)) mocha.rootHooks(((await import(hooks)) as { mochaHooks: Mocha.RootHookObject }).mochaHooks);
  for (const file of findTests(dir).sort()) mocha.addFile(file);
  const result: TierResult = { tier, passes: 0, failures: 0, pending: 0, failed: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', () => result.passes++);
    runner.on('pending', () => result.pending++);
    runner.on('fail', (test) => {
      result.failures++;
      result.failed.push(test.fullTitle());
    });
  });
  const out = path.join(repoRoot, 'test-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, `${tier}.json`), JSON.stringify(result, null, 2));
  // As mocha's --exit: the root hooks have stopped every service by now, and a handle a failed test left open
  // (an SSH keepalive, a timer) must not keep the tier, and CI, waiting forever.
  process.exit(result.failures > 0 || result.passes === 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
