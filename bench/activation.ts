/**
 * Activation time: cosvm, installed from the cosvm.vsix a release ships (production bundles), against an empty
 * extension (`activate() {}`, the same activation events) installed the same way, in the same code-server 4.100.3
 * (VS Code 1.100.3) and the same windows.
 *
 * Method. Both VSIXs are installed with `code-server --install-extension` into the extensions directory of a
 * code-server we start (test/support/codeServer.ts, stopped by PID). Each round opens a new browser context on an
 * empty folder, so a new extension host starts, with the workbench `payload` that runs bench/activationProbe.ts
 * inside it (the development extension is a third, empty "warm-up" one, which the payload needs anyway). The probe
 * activates the warm-up extension (untimed), waits 2 s for the window to settle, then times `await activate()` of
 * cosvm and of the empty extension, alternating which goes first. One warm-up round, then 10 rounds; medians (min–max).
 * Target: ours ≤ the empty extension + 50 ms (bench/README.md). Benchmarks report, tests assert: the exit code is 0
 * even when the target is missed.
 *
 * `--split` (diagnosis) has the probe require each main module before `activate()` and report that part apart.
 *
 * Run: node out/bench/vsix.js (or npm run package) && node out/bench/activation.js [--rounds 10] [--settle-ms 2000] [--split]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { launchChromium } from '../test/support/browser';
import { codeServerBin, startCodeServer } from '../test/support/codeServer';
import { repoRoot } from '../test/support/paths';
import { ProcessGroup, waitFor } from '../test/support/processes';
import type { ActivationPlan, ActivationSample } from './activationProbe';
import { benchFigure, runBench, saveBenchResults } from './results';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const vsixFile = path.join(repoRoot, 'cosvm.vsix');
/** ms that activating cosvm may cost beyond activating an empty extension (bench/README.md: the long-task limit). */
const marginMs = 50;

interface Manifest {
  name: string;
  publisher: string;
  engines: { vscode: string };
  activationEvents?: string[];
}

function check(command: string, args: readonly string[], cwd = repoRoot): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** A minimal extension: a manifest and an `activate` that does nothing. */
function writeEmptyExtension(dir: string, manifest: Manifest): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...manifest, version: '0.0.1', main: './extension.js' }, null, 2));
  writeFileSync(path.join(dir, 'extension.js'), "'use strict';\nexports.activate = function activate() {};\nexports.deactivate = function deactivate() {};\n");
}

function stats(values: readonly number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 0 ? ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2 : (sorted[Math.floor(mid)] ?? NaN);
  return { median, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

async function main(): Promise<void> {
  const rounds = Number(option('rounds', '10'));
  const settleMs = Number(option('settle-ms', '2000'));
  const split = argv.includes('--split');
  if (!existsSync(vsixFile)) throw new Error(`${vsixFile} is missing: run node out/bench/vsix.js (or npm run package) first`);
  const cosvm = JSON.parse(check('unzip', ['-p', vsixFile, 'extension/package.json'])) as Manifest;
  const ids = { cosvm: `${cosvm.publisher}.${cosvm.name}`, empty: 'cosvm-bench.empty', warmup: 'cosvm-bench.warmup' };
  console.log(`cosvm.vsix of ${statSync(vsixFile).mtime.toISOString()}; activation events ${JSON.stringify(cosvm.activationEvents ?? [])}`);

  const group = new ProcessGroup('cosvm-bench-');
  try {
    const emptyDir = path.join(group.runDir, 'empty');
    const warmupDir = path.join(group.runDir, 'warmup');
    const workspace = path.join(group.runDir, 'workspace');
    mkdirSync(workspace);
    const common = { publisher: 'cosvm-bench', engines: cosvm.engines };
    writeEmptyExtension(emptyDir, { ...common, name: 'empty', ...(cosvm.activationEvents ? { activationEvents: cosvm.activationEvents } : {}) });
    writeEmptyExtension(warmupDir, { ...common, name: 'warmup', activationEvents: [] });
    const emptyVsix = path.join(group.runDir, 'empty.vsix');
    check(path.join(repoRoot, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', emptyVsix], emptyDir);

    // Installed before the server starts, into the directories startCodeServer gives it.
    const serverName = 'code-server';
    const serverRoot = path.join(group.runDir, serverName);
    const extensionsDir = path.join(serverRoot, 'extensions');
    mkdirSync(path.join(serverRoot, 'user-data', 'User'), { recursive: true });
    mkdirSync(extensionsDir, { recursive: true });
    check(codeServerBin, ['--user-data-dir', path.join(serverRoot, 'user-data'), '--extensions-dir', extensionsDir, '--install-extension', vsixFile, '--install-extension', emptyVsix]);
    const planFile = path.join(group.runDir, 'plan.json');
    const server = await startCodeServer(group, { name: serverName, env: { COSVM_BENCH_ACTIVATION_PLAN: planFile } });
    if (server.extensionsDir !== extensionsDir) throw new Error(`code-server uses ${server.extensionsDir}, not ${extensionsDir} where the extensions were installed`);

    const samples: Record<'cosvm' | 'empty', number[]> = { cosvm: [], empty: [] };
    const browser = await launchChromium();
    try {
      for (let round = -1; round < rounds; round++) {
        const order = round % 2 === 0 ? [ids.cosvm, ids.empty] : [ids.empty, ids.cosvm];
        const resultFile = path.join(group.runDir, `result-${round}.json`);
        const plan: ActivationPlan = { round, warmup: ids.warmup, order, settleMs, split, resultFile };
        writeFileSync(planFile, JSON.stringify(plan));
        // A new context is a new window, and so a new extension host.
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          await page.goto(server.workbenchUrl(workspace, { extensionDevelopmentPath: warmupDir, extensionTestsPath: path.join(__dirname, 'activationProbe.js') }));
          await waitFor(`activation round ${round}`, () => existsSync(resultFile), 120_000, () => group.logOf(serverName));
        } finally {
          await context.close();
        }
        const result = JSON.parse(readFileSync(resultFile, 'utf8')) as { samples?: ActivationSample[]; error?: string };
        if (!result.samples) throw new Error(`activation probe failed in round ${round}: ${result.error ?? 'no samples'}`);
        const early = result.samples.filter((s) => s.wasActive);
        if (early.length > 0) throw new Error(`${early.map((s) => s.id).join(', ')} activated before the probe (an activation event fired): not comparable`);
        const line = result.samples.map((s) => `${s.id} ${s.ms.toFixed(1)} ms${s.loadMs === undefined ? '' : ` (load ${s.loadMs.toFixed(1)})`}`).join(', ');
        console.log(`round ${round < 0 ? 'warm-up' : round + 1}: ${line}`);
        if (round < 0) continue;
        for (const sample of result.samples) (sample.id === ids.cosvm ? samples.cosvm : samples.empty).push(sample.ms);
      }
    } finally {
      await browser.close();
    }

    const ours = stats(samples.cosvm);
    const empty = stats(samples.empty);
    // Both samples of a round come from the same extension host.
    const paired = stats(samples.cosvm.map((ms, i) => ms - (samples.empty[i] ?? NaN)));
    const cell = (s: { median: number; min: number; max: number }) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
    console.log(`\nActivation, ${rounds} rounds (a new extension host each), alternating order; ms, median (min–max):`);
    console.log('| extension | activate() ms |');
    console.log('|---|---|');
    console.log(`| cosvm ${cosvm.publisher}.${cosvm.name} (cosvm.vsix) | ${cell(ours)} |`);
    console.log(`| empty extension, same activation events | ${cell(empty)} |`);
    console.log(`ours − empty: ${(ours.median - empty.median).toFixed(1)} ms (per round, median ${paired.median.toFixed(1)} ms); target ≤ ${marginMs} ms: ${ours.median - empty.median <= marginMs ? 'met' : 'not met'}`);
    const figure = benchFigure('activation vs empty extension', { ours: ours.median, peer: empty.median, unit: 'ms' }, { kind: 'marginAtMost', value: marginMs });
    saveBenchResults('activation', { rounds, settleMs, vsixMtime: statSync(vsixFile).mtime.toISOString(), activationEvents: cosvm.activationEvents ?? [], ours, empty, pairedDifference: paired, samples }, [figure]);
  } finally {
    await group.stopAll();
    await group.removeRunDir();
  }
}

runBench(main);
