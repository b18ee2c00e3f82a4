import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { GceError, isCosvmError, SshError, type CosvmError } from '../../../../src/core/errors';
import { followContainerLogs } from '../../../../src/core/logs/containerLogs';
import { followJournal } from '../../../../src/core/logs/journalFollow';
import { dockerLine, FakeClient, journalEntry, tick } from './followFakes';

const fast = { initialMs: 1, maxMs: 1 };

function codeOf(error: unknown): string | undefined {
  return isCosvmError(error) ? error.code : undefined;
}

function assertNoListeners(client: FakeClient, signal: AbortSignal): void {
  assert.equal(client.listenerCount('close'), 0, 'close listeners left on the client');
  assert.equal(client.listenerCount('error'), 0, 'error listeners left on the client');
  assert.equal(getEventListeners(signal, 'abort').length, 0, 'abort listeners left on the signal');
}

describe('log follows on a dying connection (unit)', () => {
  it("journal: ssh2's synchronous Not connected from exec is an ssh/disconnected drop, retried, and leaks no listener", async () => {
    const controller = new AbortController();
    const client = new FakeClient((n, channel) => setImmediate(() => channel.emit('data', journalEntry(n))), new Set([1, 2]));
    const errors: unknown[] = [];
    const messages: string[] = [];
    await followJournal({
      connect: () => Promise.resolve(client.asClient()),
      shared: true,
      query: { unit: 'x.service', lines: 10 },
      backoff: fast,
      signal: controller.signal,
      onStatus: (status, error) => status === 'reconnecting' && errors.push(error),
      onEntries: (entries) => {
        messages.push(...entries.map((e) => e.message));
        controller.abort();
      },
    });
    assert.deepEqual(errors.map(codeOf), ['ssh/disconnected', 'ssh/disconnected']);
    assert.deepEqual(messages, ['m3']);
    assertNoListeners(client, controller.signal);
  });

  it("container logs: ssh2's synchronous Not connected from exec is an ssh/disconnected drop, retried, and leaks no listener", async () => {
    const controller = new AbortController();
    const client = new FakeClient((n, channel) => setImmediate(() => channel.emit('data', dockerLine(n))), new Set([1, 2]));
    const errors: unknown[] = [];
    const lines: string[] = [];
    await followContainerLogs({
      connect: () => Promise.resolve(client.asClient()),
      shared: true,
      container: 'web',
      backoff: fast,
      signal: controller.signal,
      onStatus: (status, error) => status === 'reconnecting' && errors.push(error),
      onLines: (batch) => {
        lines.push(...batch.map((l) => l.text));
        controller.abort();
      },
    });
    assert.deepEqual(errors.map(codeOf), ['ssh/disconnected', 'ssh/disconnected']);
    assert.deepEqual(lines, ['line3']);
    assertNoListeners(client, controller.signal);
  });
  it('journal: delivers nothing a channel sends after the follow stopped', async () => {
    const controller = new AbortController();
    const client = new FakeClient((n, channel) => setImmediate(() => channel.emit('data', journalEntry(n))));
    const messages: string[] = [];
    await followJournal({
      connect: () => Promise.resolve(client.asClient()),
      shared: true,
      query: { unit: 'x.service', lines: 10 },
      backoff: fast,
      signal: controller.signal,
      onEntries: (entries) => {
        messages.push(...entries.map((e) => e.message));
        controller.abort();
      },
    });
    client.channels[0]?.emit('data', journalEntry(9));
    await tick();
    assert.deepEqual(messages, ['m1']);
    assert.ok(client.channels[0]?.ended);
  });

  it('container logs: delivers nothing a channel sends after the follow stopped', async () => {
    const controller = new AbortController();
    const client = new FakeClient((n, channel) => setImmediate(() => channel.emit('data', dockerLine(n))));
    const lines: string[] = [];
    await followContainerLogs({
      connect: () => Promise.resolve(client.asClient()),
      shared: true,
      container: 'web',
      backoff: fast,
      signal: controller.signal,
      onLines: (batch) => {
        lines.push(...batch.map((l) => l.text));
        controller.abort();
      },
    });
    client.channels[0]?.emit('data', dockerLine(9));
    client.channels[0]?.stderr.emit('data', dockerLine(10));
    await tick();
    assert.deepEqual(lines, ['line1']);
  });

  it('journal: a throwing onEntries ends the follow and its channel, and never throws into ssh2', async () => {
    const controller = new AbortController();
    const client = new FakeClient((n, channel) => setImmediate(() => channel.emit('data', journalEntry(n))));
    const boom = new Error('Output channel disposed');
    const errors: unknown[] = [];
    let calls = 0;
    const following = followJournal({
      connect: () => Promise.resolve(client.asClient()),
      shared: true,
      query: { unit: 'x.service', lines: 10 },
      backoff: fast,
      signal: controller.signal,
      onStatus: (status, error) => status === 'reconnecting' && errors.push(error),
      onEntries: () => {
        if (++calls === 1) throw boom;
        controller.abort();
      },
    });
    await assert.rejects(following, (error: unknown) => error === boom);
    assert.deepEqual(errors, []);
    assert.equal(client.execs, 1);
    assert.ok(client.channels[0]?.ended);
    assertNoListeners(client, controller.signal);
  });

  it('container logs: a throwing onLines ends the follow and its channel, and never throws into ssh2', async () => {
    const controller = new AbortController();
    const client = new FakeClient((n, channel) => setImmediate(() => channel.emit('data', dockerLine(n))));
    const boom = new Error('Output channel disposed');
    const errors: unknown[] = [];
    let calls = 0;
    const following = followContainerLogs({
      connect: () => Promise.resolve(client.asClient()),
      shared: true,
      container: 'web',
      backoff: fast,
      signal: controller.signal,
      onStatus: (status, error) => status === 'reconnecting' && errors.push(error),
      onLines: () => {
        if (++calls === 1) throw boom;
        controller.abort();
      },
    });
    await assert.rejects(following, (error: unknown) => error === boom);
    assert.deepEqual(errors, []);
    assert.equal(client.execs, 1);
    assert.ok(client.channels[0]?.ended);
    assertNoListeners(client, controller.signal);
  });
  const permanent: CosvmError[] = [
    new SshError('ssh/auth-failed', 'refused'),
    new SshError('ssh/host-key-mismatch', 'mismatch'),
    new SshError('ssh/host-key-unknown', 'unknown'),
    new SshError('ssh/oslogin-failed', 'os login'),
    new SshError('ssh/no-external-ip', 'no ip'),
    new GceError('gce/no-credentials', 'no credentials', 401),
    new GceError('gce/not-found', 'no such VM', 404),
  ];

  it('both follows end on an error a retry cannot fix instead of retrying forever', async () => {
    for (const error of permanent) {
      let connects = 0;
      const connect = () => (connects++, Promise.reject(error));
      const signal = new AbortController().signal;
      await assert.rejects(followJournal({ connect, query: { unit: 'x.service' }, backoff: fast, signal, onEntries: () => undefined }), (e: unknown) => e === error);
      await assert.rejects(followContainerLogs({ connect, container: 'web', backoff: fast, signal, onLines: () => undefined }), (e: unknown) => e === error);
      assert.equal(connects, 2, error.code);
    }
  });

  it('both follows ride out transient errors: connect failures and a socket error on the connection become retries', async () => {
    for (const kind of ['journal', 'container'] as const) {
      const controller = new AbortController();
      const transient = [new SshError('ssh/connect-failed', 'no answer'), new SshError('ssh/port-closed', 'closed'), new SshError('ssh/disconnected', 'gone')];
      const client = new FakeClient((n, channel) =>
        setImmediate(() => {
          if (n === 1) client.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
          else channel.emit('data', kind === 'journal' ? journalEntry(n) : dockerLine(n));
        }),
      );
      const connect = () => {
        const next = transient.shift();
        return next ? Promise.reject(next) : Promise.resolve(client.asClient());
      };
      const errors: unknown[] = [];
      const onStatus = (status: string, error?: unknown) => status === 'reconnecting' && errors.push(error);
      const stop = () => controller.abort();
      const signal = controller.signal;
      if (kind === 'journal') await followJournal({ connect, shared: true, query: { unit: 'x.service' }, backoff: fast, signal, onStatus, onEntries: stop });
      else await followContainerLogs({ connect, shared: true, container: 'web', backoff: fast, signal, onStatus, onLines: stop });
      assert.deepEqual(errors.map(codeOf), ['ssh/connect-failed', 'ssh/port-closed', 'ssh/disconnected', 'ssh/disconnected'], kind);
      assert.equal(client.execs, 2, kind);
    }
  });
});
