import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'ssh2';
import type { Declaration } from '../../../src/core/declaration/model';
import { renderDeclaration } from '../../../src/core/declaration/render';
import { isCosvmError } from '../../../src/core/errors';
import { followContainerLogs, konletStartupQuery, type ContainerLogLine } from '../../../src/core/logs/containerLogs';
import { konletContainer } from '../../../src/logs/format';
import { journalctlCommand } from '../../../src/core/logs/journalctl';
import { JournalExportParser } from '../../../src/core/logs/journalExport';
import { untilChannelCloses } from '../../../src/core/logs/journalFollow';
import { connectSsh, runCommand } from '../../../src/core/ssh/connection';
import { listRemoteContainers } from '../../../src/core/ssh/remoteDocker';
import { shellCommand } from '../../../src/core/shell';
import { createCosHost } from '../../emulator/cosHost';
import type { EmulatedInstance } from '../../emulator/vmHost';
import { cuttableRelay } from '../../support/cuttableRelay';
import { waitFor } from '../../support/processes';
import { tempDir } from '../../support/tempDir';
import { buildBusyboxImage, makeInstance, RecordingIo, ssh, sshPortFor, userKey, type SshTo } from '../cosHost/fixtures';
import { services } from '../hooks';

describe('remote commands that die with their channel (real sshd)', function () {
  this.timeout(60_000);
  let client: Client;

  before(async () => {
    const { sshd } = services();
    client = await connectSsh({ host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, trustedHostKeys: [sshd.hostKeyFingerprint] });
  });

  after(() => {
    client?.end();
  });

  it('ends the channel with the status of a command that ends by itself, stdout and stderr apart', async () => {
    const started = Date.now();
    const result = await runCommand(client, untilChannelCloses(shellCommand(['sh', '-c', 'echo out; echo err >&2; exit 3'])));
    assert.deepEqual(result, { stdout: 'out\n', stderr: 'err\n', exitCode: 3, signal: undefined });
    assert.ok(Date.now() - started < 5_000);
  });

  it('kills the command when the channel closes', async () => {
    const seconds = `${300 + Math.floor(Math.random() * 600)}.${randomBytes(3).readUIntBE(0, 3)}`;
    const running = async () => (await runCommand(client, shellCommand(['pgrep', '-f', `^sleep ${seconds}$`]))).exitCode === 0;
    await new Promise<void>((resolve, reject) => {
      client.exec(untilChannelCloses(shellCommand(['sleep', seconds])), (error, channel) => {
        if (error) return reject(error);
        // A stream that is never read never ends, and then never closes.
        channel.resume();
        channel.stderr.resume();
        channel.on('close', () => resolve());
        void (async () => {
          await waitFor('sleep to start', running);
          channel.end();
        })().catch(reject);
      });
    });
    await waitFor('sleep to be killed', async () => !(await running()), 5_000);
  });

  it('never runs what a hostile container or unit name carries', async () => {
    const marker = path.join(os.tmpdir(), `cosvm-injected-${process.pid}-${randomBytes(4).toString('hex')}`);
    const hostile = [`web; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `'; touch ${marker}; '`, `web\ntouch ${marker}`];
    for (const name of hostile) {
      let connected = false;
      await assert.rejects(
        followContainerLogs({
          connect: () => {
            connected = true;
            return Promise.resolve(client);
          },
          shared: true,
          container: name,
          onLines: () => undefined,
          signal: new AbortController().signal,
        }),
        (error: unknown) => isCosvmError(error) && error.code === 'input/invalid',
      );
      assert.equal(connected, false);
      // The same words through both layers of quoting (the wrapper's sh -c and the remote shell) arrive intact.
      const echoed = await runCommand(client, untilChannelCloses(shellCommand(['printf', '%s', name])));
      assert.equal(echoed.stdout, name);
      const journal = await runCommand(client, untilChannelCloses(journalctlCommand({ directory: tempDir('cosvm-empty-journal-'), unit: name })));
      assert.equal(journal.stdout, '');
    }
    assert.equal(existsSync(marker), false, 'a hostile name ran a command');
  });

  it('says Docker is not running when the VM has no engine to talk to', async () => {
    await assert.rejects(listRemoteContainers(client), (error: unknown) => {
      assert.ok(isCosvmError(error));
      assert.equal(error.code, 'ssh/command-failed');
      assert.equal(error.userMessage, 'Docker is not running on the VM.');
      assert.match(error.detail ?? '', /docker ps exited with 1/);
      return true;
    });
  });
});

const image = 'cosvm-emu/counter:1';

/** Counts on stdout every 50 ms, every 7th also on stderr. */
function counterDeclaration(): Declaration {
  return {
    spec: {
      containers: [{ name: 'counter', image, args: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "n $i"; if [ $((i % 7)) = 0 ]; then echo "e $i" >&2; fi; /bin/busybox usleep 50000; done'] }],
      restartPolicy: 'Always',
    },
  };
}

describe('container logs on an emulated COS host', function () {
  this.timeout(120_000);
  let host: ReturnType<typeof createCosHost>;
  let instance: EmulatedInstance;
  let to: SshTo;
  let container: string;

  before(async () => {
    const address = '127.0.77.31';
    const port = await sshPortFor(address);
    await buildBusyboxImage(image);
    host = createCosHost({ group: services().group, dockerHost: services().docker.host, sshPort: port, stopTimeoutSeconds: 1 });
    const key = await userKey();
    instance = makeInstance('vm-logs', address, { 'gce-container-declaration': renderDeclaration(counterDeclaration(), 'konlet'), 'ssh-keys': `alice:${key.publicKey}` });
    to = { instance, io: new RecordingIo(), port, user: 'alice', key };
    await host.start(instance, to.io);
    const client = await ssh(to);
    try {
      container = (await listRemoteContainers(client))[0]?.name ?? '';
    } finally {
      client.end();
    }
  });

  after(async () => {
    await host?.close();
  });

  it("lists the VM's containers through its docker, and reads konlet-startup's journal", async () => {
    const client = await ssh(to);
    try {
      const containers = await listRemoteContainers(client);
      assert.equal(containers.length, 1, JSON.stringify(containers));
      const [counter] = containers;
      assert.match(counter?.name ?? '', /^klt-counter-[a-z]{4}$/);
      assert.equal(counter?.image, image);
      assert.equal(counter?.state, 'running');
      assert.match(counter?.status ?? '', /^Up /);
      assert.match(counter?.id ?? '', /^[0-9a-f]{64}$/);

      const result = await runCommand(client, journalctlCommand(konletStartupQuery));
      assert.equal(result.exitCode, 0, result.stderr);
      const parser = new JournalExportParser();
      const messages = [...parser.push(Buffer.from(result.stdout)), ...parser.end()].map((e) => e.message);
      assert.ok(messages.some((m) => m.endsWith('Starting Konlet container startup agent')), messages.join('\n'));
      assert.ok(messages.some((m) => m.includes(`'${container}'`)), messages.join('\n'));
    } finally {
      client.end();
    }
  });

  it('follows docker logs through 8 forced disconnects: stdout and stderr apart, nothing lost or repeated', async () => {
    assert.match(container, /^klt-counter-/);
    const relay = await cuttableRelay(instance.natIP, to.port);
    const lines: ContainerLogLine[] = [];
    const batches: number[] = [];
    const statuses: string[] = [];
    let connects = 0;
    const controller = new AbortController();
    const following = followContainerLogs({
      connect: () => {
        connects++;
        return connectSsh({ host: '127.0.0.1', port: relay.port, username: to.user, privateKey: to.key.privateKey, trustedHostKeys: [to.io.hostKeyFingerprint()], keepaliveIntervalMs: 500, readyTimeoutMs: 5_000 });
      },
      container,
      tail: 5,
      onLines: (batch) => {
        batches.push(batch.length);
        lines.push(...batch);
      },
      onStatus: (status, error) => statuses.push(`${status}${error instanceof Error ? `: ${error.message}` : ''}`),
      signal: controller.signal,
      backoff: { initialMs: 50, maxMs: 400 },
    });
    const counter = (stream: 'stdout' | 'stderr') => lines.filter((l) => l.stream === stream).map((l) => Number(/^[ne] (\d+)$/.exec(l.text)?.[1] ?? NaN));
    try {
      await waitFor('the tail', () => lines.length > 0);
      let cuts = 0;
      while (cuts < 8) {
        const seen = lines.length;
        await waitFor('lines over the new connection', () => lines.length > seen + 3, 20_000, () => statuses.slice(-4).join(' | '));
        if (relay.cut() > 0) cuts++;
      }
      const stdout = counter('stdout');
      const target = (stdout[stdout.length - 1] ?? 0) + 30;
      await waitFor('30 more lines after the last cut', () => (counter('stdout').at(-1) ?? 0) >= target, 20_000, () => statuses.slice(-4).join(' | '));
    } finally {
      controller.abort();
      await following;
      relay.close();
    }
    assert.ok(connects >= 9, `only ${connects} connections for 8 cuts`);
    const stdout = counter('stdout');
    const first = stdout[0] ?? 0;
    assert.deepEqual(stdout, Array.from({ length: stdout.length }, (_, i) => first + i), 'stdout has a gap or a repeat');
    const stderr = counter('stderr');
    const firstErr = stderr[0] ?? 0;
    assert.equal(firstErr % 7, 0);
    assert.deepEqual(stderr, Array.from({ length: stderr.length }, (_, i) => firstErr + 7 * i), 'stderr has a gap or a repeat');
    assert.ok(stderr.length >= stdout.length / 7 - 2, `${stderr.length} stderr lines for ${stdout.length} stdout lines`);
    assert.ok(lines.every((l) => l.time !== undefined && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/.test(l.time)));
    // The first batch is the tail: at most 5 lines of history (fewer when the container has just started).
    assert.ok((batches[0] ?? 0) <= 5, `first batch of ${batches[0]}`);
  });

  it('keeps following across a container restart: docker logs ends, the follow says stopped and picks up the new run', async () => {
    const client = await ssh(to);
    const lines: ContainerLogLine[] = [];
    const statuses: string[] = [];
    const controller = new AbortController();
    const following = followContainerLogs({
      connect: () => Promise.resolve(client),
      shared: true,
      container,
      tail: 3,
      onLines: (batch) => lines.push(...batch),
      onStatus: (status) => statuses.push(status),
      signal: controller.signal,
      backoff: { initialMs: 50, maxMs: 400 },
    });
    const stdout = () => lines.filter((l) => l.stream === 'stdout').map((l) => Number(/^n (\d+)$/.exec(l.text)?.[1] ?? NaN));
    try {
      await waitFor('some lines', () => stdout().length > 10);
      const restarted = await runCommand(client, `docker restart -t 1 ${container}`);
      assert.equal(restarted.exitCode, 0, restarted.stderr);
      await waitFor('the new run', () => {
        const n = stdout();
        return n.some((v, i) => i > 0 && v < (n[i - 1] ?? 0)) && (n.at(-1) ?? 0) >= 10;
      }, 20_000, () => statuses.join(' '));
    } finally {
      controller.abort();
      await following;
      client.end();
    }
    assert.ok(statuses.includes('stopped'), statuses.join(' '));
    const n = stdout();
    const cut = n.findIndex((v, i) => i > 0 && v < (n[i - 1] ?? 0));
    const before = n.slice(0, cut);
    const after = n.slice(cut);
    assert.deepEqual(before, Array.from({ length: before.length }, (_, i) => (before[0] ?? 0) + i));
    assert.deepEqual(after, Array.from({ length: after.length }, (_, i) => 1 + i), 'the new run from its first line, nothing of the old one again');
  });

  it("follows konlet's container across a reset that recreates it under a new klt-<name>-xxxx", async () => {
    const declared = /^klt-(.+)-[a-z]{4}$/.exec(container)?.[1] ?? '';
    assert.ok(declared, container);
    const lines: ContainerLogLine[] = [];
    const names: string[] = [];
    const controller = new AbortController();
    const following = followContainerLogs({
      connect: () => ssh(to),
      container: declared,
      resolveContainer: async (client, signal) => {
        const found = konletContainer(declared, await listRemoteContainers(client, signal));
        if (found && names.at(-1) !== found) names.push(found);
        return found;
      },
      tail: 3,
      onLines: (batch) => lines.push(...batch),
      signal: controller.signal,
      backoff: { initialMs: 100, maxMs: 1000 },
    });
    const stdout = () => lines.filter((l) => l.stream === 'stdout').map((l) => Number(/^n (\d+)$/.exec(l.text)?.[1] ?? NaN));
    try {
      await waitFor('some lines', () => stdout().length > 5);
      await host.reset(instance, to.io);
      await waitFor('lines of the recreated container', () => names.length >= 2 && stdout().some((v, i) => i > 0 && v < (stdout()[i - 1] ?? 0)) && (stdout().at(-1) ?? 0) >= 5, 60_000, () => names.join(' '));
    } finally {
      controller.abort();
      await following;
    }
    assert.notEqual(names[0], names[1]);
    const n = stdout();
    const after = n.slice(n.findIndex((v, i) => i > 0 && v < (n[i - 1] ?? 0)));
    assert.deepEqual(after, Array.from({ length: after.length }, (_, i) => 1 + i));
    container = names.at(-1) ?? container;
  });

  it('says so when the container does not exist', async () => {
    const client = await ssh(to);
    try {
      await assert.rejects(
        followContainerLogs({ connect: () => Promise.resolve(client), shared: true, container: 'no-such-container', onLines: () => undefined, signal: new AbortController().signal }),
        (error: unknown) => isCosvmError(error) && error.code === 'ssh/command-failed' && error.userMessage === 'There is no container named no-such-container on the VM.',
      );
    } finally {
      client.end();
    }
  });
});
