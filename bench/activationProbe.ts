/**
 * Runs inside the extension host as the `extensionTestsPath` of bench/activation.ts (not a benchmark itself). It
 * activates the warm-up extension (untimed: it absorbs what the first activation in a host pays once), waits for
 * the window to settle, then activates the measured extensions in the order the plan gives, timing each
 * `await extension.activate()`: the module loaded and evaluated, `activate()` called and its result awaited.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

/** Written by the driver before each round; its path is in COSVM_BENCH_ACTIVATION_PLAN. */
export interface ActivationPlan {
  round: number;
  warmup: string;
  /** Extension ids, in the order to activate them. */
  order: string[];
  settleMs: number;
  /** Diagnosis (`--split`): require the extension's main module first and time that part on its own. */
  split: boolean;
  resultFile: string;
}

export interface ActivationSample {
  id: string;
  /** Load (when split) plus activate. */
  ms: number;
  /** With `split`: the share of `ms` spent loading and evaluating the main module. */
  loadMs?: number;
  /** Something activated it before we did: the sample does not count. */
  wasActive: boolean;
}

async function activate(id: string, split = false): Promise<ActivationSample> {
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`extension ${id} is not installed in this window`);
  const wasActive = extension.isActive;
  let loadMs: number | undefined;
  if (split) {
    // The host loads extensions with Node's require, so a module required here is in the cache it then uses.
    const main = (extension.packageJSON as { main?: unknown }).main;
    const started = performance.now();
    if (typeof main === 'string') createRequire(__filename)(path.join(extension.extensionPath, main));
    loadMs = performance.now() - started;
  }
  const started = performance.now();
  await extension.activate();
  const ms = performance.now() - started + (loadMs ?? 0);
  return { id, ms, wasActive, ...(loadMs === undefined ? {} : { loadMs }) };
}

export async function run(): Promise<void> {
  const plan = JSON.parse(readFileSync(process.env['COSVM_BENCH_ACTIVATION_PLAN'] ?? '', 'utf8')) as ActivationPlan;
  try {
    await activate(plan.warmup);
    await new Promise((resolve) => setTimeout(resolve, plan.settleMs));
    const samples: ActivationSample[] = [];
    for (const id of plan.order) samples.push(await activate(id, plan.split));
    writeFileSync(plan.resultFile, JSON.stringify({ round: plan.round, samples }));
  } catch (error) {
    writeFileSync(plan.resultFile, JSON.stringify({ round: plan.round, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  }
}
