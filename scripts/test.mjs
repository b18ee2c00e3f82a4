// `npm test`: makes the machine ready, checks types and lint, then runs every test tier and ends with one
// summary line per tier. Fails if any tier fails or runs no test.
// Usage: node scripts/test.mjs [unit|integration|host|e2e ...]   (COSVM_SKIP_SETUP=1 skips set-up)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const allTiers = ['unit', 'integration', 'host', 'e2e'];
const tiers = process.argv.slice(2).length > 0 ? process.argv.slice(2) : allTiers;
for (const tier of tiers) if (!allTiers.includes(tier)) throw new Error(`unknown tier ${tier}; use ${allTiers.join(', ')}`);

function step(name, command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { name, ok: result.status === 0, seconds };
}

const started = Date.now();
if (process.env.COSVM_SKIP_SETUP !== '1') {
  const setup = step('setup', 'bash', ['scripts/setup.sh']);
  if (!setup.ok) {
    console.error('setup failed; see above.');
    process.exit(1);
  }
}

const checks = [step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']), step('webview typecheck', 'npx', ['tsc', '-p', 'webview/tsconfig.json']), step('lint', 'npx', ['eslint', '.'])];

const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });
const summaries = [];
for (const tier of tiers) {
  const file = path.join(results, `${tier}.json`);
  rmSync(file, { force: true });
  console.log(`\n=== ${tier} ===`);
  const entry = tier === 'host' ? 'out/test/host/driver.js' : 'out/test/runTier.js';
  const run = step(tier, process.execPath, tier === 'host' ? [entry] : [entry, tier]);
  const counts = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  const ok = run.ok && counts !== undefined && counts.failures === 0 && counts.passes > 0;
  summaries.push({ tier, ok, counts, seconds: run.seconds });
}

console.log('\n=== summary ===');
for (const check of checks) console.log(`${check.ok ? 'PASS' : 'FAIL'} ${check.name} (${check.seconds} s)`);
for (const { tier, ok, counts, seconds } of summaries) {
  const detail = counts ? `${counts.passes} passed, ${counts.failures} failed, ${counts.pending} pending` : 'no results (the tier did not run)';
  console.log(`${ok ? 'PASS' : 'FAIL'} ${tier}: ${detail} (${seconds} s)`);
  // The failing titles again, so a log's last lines say which tests failed.
  for (const title of counts?.failed ?? []) console.log(`  ✖ ${title}`);
}
const allOk = checks.every((c) => c.ok) && summaries.every((s) => s.ok);
console.log(`${allOk ? 'PASS' : 'FAIL'} all in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(allOk ? 0 : 1);
