/**
 * What every benchmark does at its ends: reduce its measurements to summary figures (ours, the peer's, the ratio,
 * the target and whether it is met), write them with the details to test-results/, and report a crash as exit 1.
 * bench/all.ts reads the figures back and prints them as one table.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../test/support/paths';

/** One line of the summary table; `ours` and `peer` are formatted with their unit. */
export interface BenchFigure {
  figure: string;
  ours: string;
  peer: string;
  /** ours / peer. */
  ratio: number | undefined;
  target: string;
  met: boolean | undefined;
}

export type Unit = 'ms' | 's' | 'MiB/s' | 'MiB';

/** What a figure is held to: a ratio ours / peer, a bound on ours, or a bound on ours − peer (in the figure's unit). */
export type Target =
  | { kind: 'ratioAtMost'; value: number }
  | { kind: 'ratioAtLeast'; value: number }
  | { kind: 'oursAtMost'; value: number }
  | { kind: 'marginAtMost'; value: number };

export function formatQuantity(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return '—';
  switch (unit) {
    case 'ms':
      return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
    case 's':
      return `${value.toFixed(3)} s`;
    case 'MiB/s':
      return `${value.toFixed(0)} MiB/s`;
    case 'MiB':
      return `${value.toFixed(2)} MiB`;
  }
}

export function formatRatio(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '—' : `${ratio.toFixed(ratio >= 10 ? 1 : 3)}×`;
}

/** A target factor: 1 → "1.0×", 0.5 → "0.5×", 1.05 → "1.05×". */
function formatFactor(value: number): string {
  return `${value.toFixed(Number.isInteger(value) ? 1 : 2).replace(/(\.\d)0$/, '$1')}×`;
}

/** The one way a benchmark turns a measurement into a summary figure. */
export function benchFigure(figure: string, measured: { ours: number; peer: number; unit: Unit }, target: Target): BenchFigure {
  const { ours, peer, unit } = measured;
  const ratio = ours / peer;
  const valid = Number.isFinite(ours) && Number.isFinite(peer) && peer > 0;
  const [text, met] = ((): [string, boolean] => {
    switch (target.kind) {
      case 'ratioAtMost':
        return [`≤ ${formatFactor(target.value)}`, ratio <= target.value];
      case 'ratioAtLeast':
        return [`≥ ${formatFactor(target.value)}`, ratio >= target.value];
      case 'oursAtMost':
        return [`≤ ${target.value} ${unit}`, ours <= target.value];
      case 'marginAtMost':
        return [`≤ peer + ${target.value} ${unit}`, ours - peer <= target.value];
    }
  })();
  return { figure, ours: formatQuantity(ours, unit), peer: formatQuantity(peer, unit), ratio: valid ? ratio : undefined, target: text, met: valid ? met : undefined };
}

export function benchResultsFile(name: string): string {
  return path.join(repoRoot, 'test-results', `bench-${name}.json`);
}

/** Writes `test-results/bench-<name>.json`: the details and the summary figures, which it also prints. */
export function saveBenchResults(name: string, results: object, figures: readonly BenchFigure[]): void {
  const file = benchResultsFile(name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...results, figures }, null, 2)}\n`);
  console.log(`\n${formatFigureTable(figures)}\nwritten: ${path.relative(repoRoot, file)}`);
}

function isFigure(value: unknown): value is BenchFigure {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['figure'] === 'string' && typeof v['ours'] === 'string' && typeof v['peer'] === 'string' && typeof v['target'] === 'string' &&
    (v['ratio'] === undefined || typeof v['ratio'] === 'number') && (v['met'] === undefined || typeof v['met'] === 'boolean')
  );
}

/** The figures a benchmark saved, or an error saying why there are none. */
export function readBenchFigures(name: string): BenchFigure[] {
  const data = JSON.parse(readFileSync(benchResultsFile(name), 'utf8')) as { figures?: unknown };
  if (!Array.isArray(data.figures) || !data.figures.every(isFigure)) throw new Error(`${benchResultsFile(name)} has no valid "figures"`);
  return data.figures;
}

export const figureColumns = ['figure', 'ours', 'peer', 'ratio', 'target', 'met'] as const;

/** A row's cells in column order. */
export function figureCells(figure: BenchFigure): string[] {
  return [figure.figure, figure.ours, figure.peer, formatRatio(figure.ratio), figure.target, figure.met === undefined ? '—' : figure.met ? 'yes' : 'no'];
}

/** Aligned plain text: names left, numbers right. */
export function formatTextTable(rows: readonly (readonly string[])[]): string {
  const all = [[...figureColumns], ...rows];
  const widths = figureColumns.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) => row.map((cell, i) => (i === 0 || i === 5 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(all[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatFigureTable(figures: readonly BenchFigure[]): string {
  return formatTextTable(figures.map(figureCells));
}

/** Runs a benchmark's main; a missed target still exits 0 (benchmarks report, tests assert), a crash exits 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
