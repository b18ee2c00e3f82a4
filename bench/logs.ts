/**
 * Log delivery of 100,000 journal entries: cosvm's path (`journalctlCommand` → `journalctl -o export` over ssh2 →
 * `JournalExportParser`, until the 100,000th entry is parsed) vs OpenSSH `ssh host journalctl -o json > /dev/null`,
 * both to the same sshd and the same journal in the same run. Method of reference/peer-measurements.md §4.
 *
 * Method. The journal is written by the real systemd-journal-remote (test/support/services.ts `writeJournal`):
 * 100,000 access-log-like entries of one unit, plus 1,000 of another unit that the filter must skip. Ours: a fresh
 * connectSsh per run (pure-JS ssh2, as the VSIX ships; see bench/tunnel.ts), clock from connect to the last entry
 * parsed, so the handshake is inside it. Peer: `ssh -F /dev/null … journalctl -D DIR -u UNIT -o json --no-pager`
 * with stdout on /dev/null, clock from spawn to exit (ssh start and handshake inside it). Extra floors: the same
 * journalctl locally, `-o json` and `-o export`, to /dev/null. Round-robin with a rotating start, one warm-up run
 * each; medians, min and max. Target (issue #5): ours ≤ 0.5× the peer. Exit code 0 even when a target is missed.
 *
 * Run: npx tsc -p tsconfig.test.json && node out/bench/logs.js [--rounds 5] [--entries 100000] [--native]
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { journalctlCommand } from '../src/core/logs/journalctl';
import { JournalExportParser } from '../src/core/logs/journalExport';
import { connectSsh, type SshTarget } from '../src/core/ssh/connection';
import { ProcessGroup } from '../test/support/processes';
import { startSshd, writeJournal, type JournalRecord } from '../test/support/services';
import { benchFigure, runBench, saveBenchResults } from './results';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const unit = 'cosvm-app.service';
/** Issue #5: ours at most this many times `ssh host journalctl`. */
const targetRatio = 0.5;

/** Makes ssh2 fall back to pure JS, as in the VSIX (must run before ssh2 is first loaded). */
function refuseNativeCrypto(): void {
  const extensions = (Module as unknown as { _extensions: Record<string, (module: unknown, file: string) => void> })._extensions;
  const load = extensions['.node'];
  extensions['.node'] = (module, file) => {
    if (file.endsWith('sshcrypto.node')) throw new Error('bench: native ssh2 crypto disabled, as in the VSIX');
    load?.(module, file);
  };
}

function records(count: number): JournalRecord[] {
  const paths = ['/', '/index.html', '/api/v1/items?page=2', '/static/app.3f9c2b.js', '/healthz', '/api/v1/users/1842/settings'];
  const out: JournalRecord[] = [];
  for (let i = 0; i < count; i++) {
    const status = i % 97 === 0 ? 500 : i % 13 === 0 ? 404 : 200;
    out.push({
      unit,
      priority: status === 500 ? 3 : 6,
      message: `10.128.0.${i % 250} - - "GET ${paths[i % paths.length] ?? '/'} HTTP/1.1" ${status} ${(i * 7919) % 50_000} "-" "Mozilla/5.0 (X11; Linux x86_64) bench/${i}" rt=0.${String(i % 1000).padStart(3, '0')}`,
    });
    if (i % 100 === 0) out.push({ unit: 'other.service', message: `tick ${i}` });
  }
  return out;
}

/** Ours: connect, run the product's command, parse until `expected` entries. Returns ms. */
async function ours(target: SshTarget, directory: string, expected: number): Promise<number> {
  const started = performance.now();
  const client = await connectSsh(target);
  try {
    const parsed = await new Promise<number>((resolve, reject) => {
      client.exec(journalctlCommand({ directory, unit }), (error, channel) => {
        if (error) return reject(error);
        const parser = new JournalExportParser();
        let count = 0;
        channel.on('data', (chunk: Buffer) => (count += parser.push(chunk).length));
        channel.stderr.resume();
        channel.on('close', () => resolve(count + parser.end().length));
      });
    });
    if (parsed !== expected) throw new Error(`parsed ${parsed} entries, expected ${expected}`);
    return performance.now() - started;
  } finally {
    client.end();
  }
}

/** Spawns a command with stdout on /dev/null and returns its wall time in ms. */
function timed(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const devNull = openSync('/dev/null', 'w');
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', devNull, 'pipe'] });
    closeSync(devNull);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} exited ${code}: ${stderr}`))));
  });
}

function stats(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

async function main(): Promise<void> {
  const rounds = Number(option('rounds', '5'));
  const entries = Number(option('entries', '100000'));
  if (!argv.includes('--native')) refuseNativeCrypto();
  const group = new ProcessGroup('cosvm-bench-');
  try {
    const sshd = await startSshd(group, 'bench-sshd', '127.0.0.1');
    const directory = path.join(group.runDir, 'journal');
    await writeJournal(directory, 'vm', records(entries));
    const knownHosts = path.join(group.runDir, 'known_hosts');
    writeFileSync(knownHosts, `[${sshd.host}]:${sshd.port} ${sshd.hostPublicKey}\n`);
    const target: SshTarget = { host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, trustedHostKeys: [sshd.hostKeyFingerprint] };
    const local = (format: string) => ['--no-pager', '-D', directory, '-u', unit, '-o', format];
    const ssh = [
      '-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`,
      '-i', sshd.privateKeyPath, '-p', String(sshd.port), `${sshd.username}@${sshd.host}`,
      'journalctl', ...local('json'),
    ];
    const contenders: { name: string; run: () => Promise<number> }[] = [
      { name: 'cosvm: journalctl -o export over ssh2 → JournalExportParser', run: () => ours(target, directory, entries) },
      { name: 'OpenSSH: ssh host journalctl -o json > /dev/null', run: () => timed('ssh', ssh) },
      { name: 'floor: local journalctl -o json > /dev/null (extra)', run: () => timed('journalctl', local('json')) },
      { name: 'floor: local journalctl -o export > /dev/null (extra)', run: () => timed('journalctl', local('export')) },
    ];
    for (const c of contenders) await c.run(); // warm-up: page cache, JIT
    const results = contenders.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < contenders.length; k++) {
        const i = (round + k) % contenders.length;
        const contender = contenders[i];
        if (contender) results[i]?.push(await contender.run());
      }
    }
    const rows = contenders.map((c, i) => ({ name: c.name, ms: stats(results[i] ?? []), runs: results[i] ?? [] }));
    const ratio = (rows[0]?.ms.median ?? NaN) / (rows[1]?.ms.median ?? NaN);
    console.log(`\nDelivering ${entries} journal entries (of ${entries + Math.ceil(entries / 100)} in the journal), ${rounds} rounds, round-robin:`);
    console.log('| path | median s | min | max | entries/s |');
    console.log('|---|---|---|---|---|');
    for (const row of rows) {
      const { median, min, max } = row.ms;
      console.log(`| ${row.name} | ${(median / 1000).toFixed(3)} | ${(min / 1000).toFixed(3)} | ${(max / 1000).toFixed(3)} | ${Math.round(entries / (median / 1000))} |`);
    }
    console.log(`ours / OpenSSH json: ${ratio.toFixed(3)}× (target ≤ ${targetRatio}×: ${ratio <= targetRatio ? 'met' : 'not met'})`);
    const figure = benchFigure(`logs ${entries.toLocaleString('en-US')} entries vs ssh journalctl -o json`, { ours: (rows[0]?.ms.median ?? NaN) / 1000, peer: (rows[1]?.ms.median ?? NaN) / 1000, unit: 's' }, { kind: 'ratioAtMost', value: targetRatio });
    saveBenchResults('logs', { entries, rounds, rows, ratio }, [figure]);
  } finally {
    await group.stopAll();
    await group.removeRunDir();
  }
}

runBench(main);
