import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { computeClients, rejection } from './computeClients';

/** Starts `main.js` and resolves with the JSON line it prints. */
function startCli(args: string[]): Promise<{ child: ChildProcess; info: { url: string; port: number; project: string } }> {
  const main = path.join(__dirname, '../../emulator/main.js');
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`emulator exited with ${String(code)} before printing its URL`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      resolve({ child, info: JSON.parse(line) as { url: string; port: number; project: string } });
    });
  });
}

describe('Compute emulator: the CLI and its control endpoints', function () {
  this.timeout(60_000);

  it('prints its URL, serves seeded instances, takes faults over HTTP and exits on SIGTERM', async () => {
    const { child, info } = await startCli(['--port', '0', '--seed', '50', '--zones', '4', '--project', 'cli-project', '--step-ms', '5']);
    try {
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(info.project, 'cli-project');
      const clients = computeClients({ port: info.port });
      let count = 0;
      for await (const [, scoped] of clients.instances.aggregatedListAsync({ project: 'cli-project', maxResults: 20 })) count += scoped.instances?.length ?? 0;
      assert.equal(count, 50);

      const control = (what: string, body: unknown) =>
        fetch(`${info.url}/emulator/${what}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await control('faults', { failNext: { count: 1, status: 429 } })).status, 200);
      const limited = await rejection(clients.instances.list({ project: 'cli-project', zone: 'asia-east1-a' }, { autoPaginate: false }));
      assert.equal(limited.httpStatusCode, 429);
      assert.equal((await control('seed', { project: 'other-project', zones: ['us-east1-b'], instancesPerZone: 2 })).status, 200);
      const [seeded] = await clients.instances.list({ project: 'other-project', zone: 'us-east1-b' }, { autoPaginate: false });
      assert.equal(seeded.length, 2);
      const bad = await control('faults', { failNext: { status: 500 } });
      assert.equal(bad.status, 400);
      assert.equal((await control('settle', {})).status, 200);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
