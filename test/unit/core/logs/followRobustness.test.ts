import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { isCosvmError } from '../../../../src/core/errors';
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

  it('journal: a throwing onEntries ends that attempt and its channel, and never throws into ssh2', async () => {
    const controller = new AbortController();
    const client = new FakeClient((n, channel) => setImmediate(() => channel.emit('data', journalEntry(n))));
    const boom = new Error('Output channel disposed');
    const errors: unknown[] = [];
    let calls = 0;
    await followJournal({
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
    assert.deepEqual(errors, [boom]);
    assert.ok(client.channels[0]?.ended);
    assertNoListeners(client, controller.signal);
  });

  it('container logs: a throwing onLines ends that attempt and its channel, and never throws into ssh2', async () => {
    const controller = new AbortController();
    const client = new FakeClient((n, channel) => setImmediate(() => channel.emit('data', dockerLine(n))));
    const boom = new Error('Output channel disposed');
    const errors: unknown[] = [];
    let calls = 0;
    await followContainerLogs({
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
    assert.deepEqual(errors, [boom]);
    assert.ok(client.channels[0]?.ended);
    assertNoListeners(client, controller.signal);
  });
});
