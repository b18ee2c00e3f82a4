import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { isCosvmError } from '../../../../src/core/errors';
import { followContainerLogs } from '../../../../src/core/logs/containerLogs';
import { followJournal } from '../../../../src/core/logs/journalFollow';
import { dockerLine, FakeClient, journalEntry } from './followFakes';

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
});
