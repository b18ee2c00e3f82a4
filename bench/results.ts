/** What every benchmark does at its ends: write its figures to test-results/, and report a crash as exit 1. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../test/support/paths';

/** Writes `test-results/bench-<name>.json`. */
export function saveBenchResults(name: string, results: unknown): void {
  const dir = path.join(repoRoot, 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `bench-${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
}

/** Runs a benchmark's main; a missed target still exits 0 (benchmarks report, tests assert), a crash exits 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
