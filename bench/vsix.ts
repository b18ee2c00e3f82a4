/**
 * VSIX size: `npm run package` (production bundles, `vsce package --no-dependencies`) and the size of cosvm.vsix,
 * against what the bundles replace, measured in the same run: the production dependency tree
 * (`npm ls --omit=dev --all`), zipped as vsce zips (deflate, zlib's default level), which is what the VSIX would
 * carry on top of its own files if it shipped node_modules instead of bundles. Target: the VSIX ≤ 2 MiB
 * (bench/README.md). Benchmarks report, tests assert: the exit code is 0 even when the target is missed.
 *
 * Run: npx tsc -p tsconfig.test.json && node out/bench/vsix.js
 *
 * Note: `npm run package` rebuilds dist/ in production mode, as a release does. bench/activation.ts installs the
 * cosvm.vsix this writes.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ProcessGroup } from '../test/support/processes';
import { repoRoot } from '../test/support/paths';
import { benchFigure, runBench, saveBenchResults } from './results';

const MiB = 1024 * 1024;
const targetMiB = 2;
const vsixFile = path.join(repoRoot, 'cosvm.vsix');

function check(command: string, args: readonly string[], options: { input?: string; inherit?: boolean } = {}): string {
  const result = spawnSync(command, args, { cwd: repoRoot, input: options.input, encoding: 'utf8', maxBuffer: 64 * MiB, stdio: options.inherit ? ['ignore', 'inherit', 'inherit'] : 'pipe' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return result.stdout ?? '';
}

/** Every file of the production dependency tree, relative to the repository (nested node_modules listed once). */
function productionDependencyFiles(): string[] {
  // `npm ls` exits non-zero on any tree problem but still lists the tree; an empty list is the real failure.
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * MiB });
  const packages = (listed.stdout ?? '').split('\n').filter((dir) => dir && path.resolve(dir) !== repoRoot);
  if (packages.length === 0) throw new Error(`npm ls --omit=dev listed no packages: ${listed.stderr}`);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      // A nested node_modules holds packages of their own, which npm ls lists separately.
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
      } else if (entry.isFile()) files.push(path.relative(repoRoot, full));
    }
  };
  for (const dir of packages) walk(dir);
  return files;
}

/** cosvm.vsix's entries by compressed size (`unzip -v`). */
function vsixEntries(): { name: string; bytes: number; compressed: number }[] {
  const lines = check('unzip', ['-v', vsixFile]).split('\n');
  const entries = [];
  for (const line of lines) {
    const match = /^\s*(\d+)\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (match?.[3]) entries.push({ name: match[3], bytes: Number(match[1]), compressed: Number(match[2]) });
  }
  return entries.sort((a, b) => b.compressed - a.compressed);
}

async function main(): Promise<void> {
  rmSync(vsixFile, { force: true });
  check('npm', ['run', '--silent', 'package'], { inherit: true });
  const vsixBytes = statSync(vsixFile).size;
  const entries = vsixEntries();

  const group = new ProcessGroup('cosvm-bench-');
  try {
    const files = productionDependencyFiles();
    const peerZip = path.join(group.runDir, 'node_modules.zip');
    check('zip', ['-q', '-X', '-@', peerZip], { input: `${files.join('\n')}\n` });
    const peerBytes = statSync(peerZip).size;
    const unpackedBytes = files.reduce((sum, file) => sum + statSync(path.join(repoRoot, file)).size, 0);

    console.log(`\ncosvm.vsix: ${(vsixBytes / MiB).toFixed(2)} MiB, ${entries.length} entries; largest (compressed / unpacked):`);
    for (const entry of entries.slice(0, 6)) console.log(`  ${entry.name}: ${(entry.compressed / 1024).toFixed(0)} KiB / ${(entry.bytes / 1024).toFixed(0)} KiB`);
    console.log(`production node_modules: ${files.length} files, ${(unpackedBytes / MiB).toFixed(1)} MiB unpacked, ${(peerBytes / MiB).toFixed(2)} MiB zipped`);
    const figure = benchFigure('VSIX size vs production node_modules, zipped', { ours: vsixBytes / MiB, peer: peerBytes / MiB, unit: 'MiB' }, { kind: 'oursAtMost', value: targetMiB });
    saveBenchResults('vsix', { vsixBytes, entries, peer: { files: files.length, unpackedBytes, zippedBytes: peerBytes }, targetMiB }, [figure]);
  } finally {
    await group.removeRunDir();
  }
}

runBench(main);
