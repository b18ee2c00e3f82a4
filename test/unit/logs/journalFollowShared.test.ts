import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { followJournal } from '../../../src/core/logs/journalFollow';

/** Just enough of an ssh2 Client: each exec answers one journal entry, then its channel closes. */
class FakeClient extends EventEmitter {
  ended = 0;
  commands: string[] = [];

  exec(command: string, callback: (error: Error | undefined, channel: EventEmitter & { stderr: EventEmitter; end(): void }) => void): void {
    this.commands.push(command);
    const channel = Object.assign(new EventEmitter(), { stderr: new EventEmitter(), end: () => undefined });
    callback(undefined, channel);
    const n = this.commands.length;
    setImmediate(() => {
      channel.emit('data', Buffer.from(`__CURSOR=c${n}\n__REALTIME_TIMESTAMP=1000000\nPRIORITY=6\nMESSAGE=m${n}\n\n`));
      channel.emit('close');
    });
  }

  end(): void {
    this.ended++;
  }
}

async function follow(shared: boolean | undefined): Promise<{ client: FakeClient; messages: string[] }> {
  const client = new FakeClient();
  const controller = new AbortController();
  const messages: string[] = [];
  await followJournal({
    connect: () => Promise.resolve(client as unknown as Client),
    ...(shared === undefined ? {} : { shared }),
    query: { unit: 'x.service', lines: 10 },
    backoff: { initialMs: 1, maxMs: 1 },
    signal: controller.signal,
    onEntries: (entries) => {
      messages.push(...entries.map((e) => e.message));
      if (messages.length === 3) controller.abort();
    },
  });
  return { client, messages };
}

describe('journal follow on a shared connection (unit)', () => {
  it('leaves a shared connection open across attempts and resumes after the last cursor', async () => {
    const { client, messages } = await follow(true);
    assert.deepEqual(messages, ['m1', 'm2', 'm3']);
    assert.equal(client.ended, 0);
    assert.match(client.commands[0] ?? '', /-n 10/);
    assert.match(client.commands[1] ?? '', /--after-cursor=c1/);
    assert.match(client.commands[2] ?? '', /--after-cursor=c2/);
  });

  it('ends its own connection after each attempt by default', async () => {
    const { client } = await follow(undefined);
    assert.equal(client.ended, client.commands.length);
  });
});
