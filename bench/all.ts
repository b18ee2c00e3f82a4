/**
 * `npm run bench`: runs every benchmark in bench/ as a child process, one after the other (a crash of one is a
 * "failed" row and the rest still run), then prints one table of their summary figures (figure, ours, peer, ratio,
 * target, met) and writes it as markdown to test-results/bench-summary.md. Exit code 0 when targets are missed
 * (benchmarks report, tests assert), 1 only if a benchmark crashed.
 *
 * `--only a,b` runs some of them; `--quick` runs them with smaller sizes and fewer rounds, for trying the harness
 * (its figures are not comparable with a default run).
 *
 * Run: bash bench/install-peers.sh && npm run build && node out/bench/all.js [--only validation,vsix] [--quick]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../test/support/paths';
import { benchResultsFile, figureCells, figureColumns, formatTextTable, readBenchFigures } from './results';

interface Benchmark {
  /** out/bench/<script>.js */
  script: string;
  /** The <name> of the test-results/bench-<name>.json it writes. */
  results: string;
  quick: string[];
}

/** In run order: vsix before activation, which installs the cosvm.vsix that vsix packages. */
const benchmarks: readonly Benchmark[] = [
  { script: 'validation', results: 'validation', quick: [] },
  { script: 'listing', results: 'listing', quick: [] },
  { script: 'tunnel', results: 'tunnel', quick: ['--size-mib', '64', '--rounds', '2'] },
  { script: 'logs', results: 'logs', quick: ['--entries', '20000', '--rounds', '2'] },
  { script: 'buildPush', results: 'buildpush', quick: ['--rounds', '1', '--files', '1000'] },
  { script: 'vsix', results: 'vsix', quick: [] },
  { script: 'activation', results: 'activation', quick: ['--rounds', '3'] },
];

const argv = process.argv.slice(2);
const only = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] ?? '').split(',') : undefined;
const quick = argv.includes('--quick');

/** Runs one benchmark with its output on ours; resolves with how it ended. */
function runChild(benchmark: Benchmark): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, `${benchmark.script}.js`), ...(quick ? benchmark.quick : [])], { cwd: repoRoot, stdio: 'inherit' });
    child.once('error', (error) => resolve(error.message));
    child.once('exit', (code, signal) => resolve(code === 0 ? undefined : signal ? `killed by ${signal}` : `exit ${code}`));
  });
}

function markdownTable(rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(figureColumns), line(figureColumns.map(() => '---')), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const selected = benchmarks.filter((b) => !only || only.includes(b.script) || only.includes(b.results));
  if (only && selected.length !== only.length) throw new Error(`--only: unknown benchmark in ${only.join(',')}; known: ${benchmarks.map((b) => b.script).join(', ')}`);
  const started = new Date();
  const rows: string[][] = [];
  const failed: string[] = [];
  for (const benchmark of selected) {
    console.log(`\n=== bench: ${benchmark.script}${quick ? ' (--quick)' : ''} ===`);
    const t0 = Date.now();
    // A figure left by an earlier run must not pass for this run's.
    rmSync(benchResultsFile(benchmark.results), { force: true });
    let failure = await runChild(benchmark);
    if (!failure) {
      try {
        rows.push(...readBenchFigures(benchmark.results).map(figureCells));
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
    }
    if (failure) {
      failed.push(benchmark.script);
      rows.push([`${benchmark.script}: failed (${failure})`, '—', '—', '—', '—', 'failed']);
    }
    console.log(`=== ${benchmark.script}: ${failure ? `FAILED (${failure})` : 'done'} in ${((Date.now() - t0) / 1000).toFixed(0)} s ===`);
  }

  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  const when = `${started.toISOString()}, ${((Date.now() - started.getTime()) / 60_000).toFixed(1)} min`;
  const note = quick ? ' — --quick: smaller sizes and fewer rounds, not comparable with a default run' : '';
  console.log(`\n=== summary (${when}; ${machine})${note} ===\n${formatTextTable(rows)}`);
  const summary = path.join(repoRoot, 'test-results', 'bench-summary.md');
  mkdirSync(path.dirname(summary), { recursive: true });
  writeFileSync(summary, `# Benchmark summary\n\n${when}; ${machine}${note}. Method and targets: bench/README.md.\n\n${markdownTable(rows)}\n`);
  console.log(`written: ${path.relative(repoRoot, summary)}`);
  if (failed.length > 0) console.log(`failed: ${failed.join(', ')}`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
