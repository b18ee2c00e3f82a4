import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { SshError, isCosvmError } from '../../../../src/core/errors';
import { SshSession, type SessionState } from '../../../../src/core/ssh/session';

/** Stands in for an ssh2 Client: the session only listens to `close`/`error` and calls `end`. */
class FakeClient extends EventEmitter {
  ended = false;
  end(): void {
    this.ended = true;
    this.emit('close');
  }
}

const fast = { initialMs: 1, maxMs: 4, giveUpMs: 200 };

describe('SSH session: one shared connection, reopened with backoff', () => {
  it('shares one attempt between concurrent callers and reuses the live connection', async () => {
    let opened = 0;
    const session = new SshSession({ open: () => (opened++, Promise.resolve(new FakeClient() as unknown as Client)), backoff: fast });
    const [a, b] = await Promise.all([session.client(), session.client()]);
    assert.equal(a, b);
    assert.equal(await session.client(), a);
    assert.equal(opened, 1);
    assert.equal(session.state, 'ready');
  });

  it('opens a new connection after the old one closed or failed', async () => {
    const clients: FakeClient[] = [];
    const session = new SshSession({ open: () => Promise.resolve((clients[clients.length] = new FakeClient()) as unknown as Client), backoff: fast });
    const first = await session.client();
    clients[0]?.emit('error', new Error('Keepalive timeout'));
    clients[0]?.emit('close');
    const second = await session.client();
    assert.notEqual(first, second);
    assert.equal(clients.length, 2);
  });

  it('retries a closed port until it opens, and gives up with the last error after giveUpMs', async () => {
    let attempts = 0;
    const states: SessionState[] = [];
    const booting = new SshSession({
      open: () => (++attempts < 4 ? Promise.reject(new SshError('ssh/port-closed', 'closed')) : Promise.resolve(new FakeClient() as unknown as Client)),
      backoff: fast,
      onState: (state) => states.push(state),
    });
    await booting.client();
    assert.equal(attempts, 4);
    assert.deepEqual(states, ['connecting', 'connecting', 'connecting', 'connecting', 'ready']);

    let tries = 0;
    const down = new SshSession({ open: () => (tries++, Promise.reject(new SshError('ssh/connect-failed', 'no answer'))), backoff: { initialMs: 5, maxMs: 20, giveUpMs: 60 } });
    await assert.rejects(down.client(), (error: unknown) => isCosvmError(error) && error.code === 'ssh/connect-failed');
    assert.ok(tries >= 3 && tries <= 6, `${tries} attempts`);
    assert.equal(down.state, 'failed');
  });

  it('retries an auth refusal only while a key just added may still be on its way', async () => {
    let now = 0;
    let attempts = 0;
    const propagating = new SshSession({
      open: () => {
        attempts++;
        now += 5_000;
        return now < 20_000 ? Promise.reject(new SshError('ssh/auth-failed', 'refused')) : Promise.resolve(new FakeClient() as unknown as Client);
      },
      keyPropagationUntil: () => 60_000,
      keyPollMs: 1,
      now: () => now,
      backoff: fast,
    });
    await propagating.client();
    assert.equal(attempts, 4);

    let refused = 0;
    const settled = new SshSession({ open: () => (refused++, Promise.reject(new SshError('ssh/auth-failed', 'refused'))), keyPropagationUntil: () => 0, backoff: fast });
    await assert.rejects(settled.client(), (error: unknown) => isCosvmError(error) && error.code === 'ssh/auth-failed');
    assert.equal(refused, 1);
  });

  it('never retries a host key mismatch, and a disposed session refuses new work', async () => {
    let attempts = 0;
    const session = new SshSession({ open: () => (attempts++, Promise.reject(new SshError('ssh/host-key-mismatch', 'mismatch'))), backoff: fast });
    await assert.rejects(session.client(), (error: unknown) => isCosvmError(error) && error.code === 'ssh/host-key-mismatch');
    assert.equal(attempts, 1);
    session.dispose();
    await assert.rejects(session.client(), (error: unknown) => isCosvmError(error) && error.code === 'cancelled');
  });

  it('lets one caller give up without cancelling the shared attempt', async () => {
    let release: (client: Client) => void = () => undefined;
    const session = new SshSession({ open: () => new Promise<Client>((resolve) => (release = resolve)), backoff: fast });
    const controller = new AbortController();
    const impatient = session.client(controller.signal);
    const patient = session.client();
    controller.abort();
    await assert.rejects(impatient, (error: unknown) => isCosvmError(error) && error.code === 'cancelled');
    const client = new FakeClient() as unknown as Client;
    release(client);
    assert.equal(await patient, client);
  });
  it('ends a connection that opens after the session was disposed, and stays disposed', async () => {
    let release: (client: Client) => void = () => undefined;
    const states: SessionState[] = [];
    const session = new SshSession({ open: () => new Promise<Client>((resolve) => (release = resolve)), backoff: fast, onState: (state) => states.push(state) });
    const waiting = session.client();
    session.dispose();
    const client = new FakeClient();
    release(client as unknown as Client);
    await assert.rejects(waiting, (error: unknown) => isCosvmError(error) && error.code === 'cancelled');
    assert.ok(client.ended);
    assert.equal(session.state, 'disposed');
    assert.deepEqual(states, ['connecting', 'disposed']);
  });
});
