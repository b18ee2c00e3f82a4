import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Client } from 'ssh2';
import { isCosvmError } from '../../../../src/core/errors';
import { runCommand } from '../../../../src/core/ssh/connection';
import { downloadFile, uploadFile } from '../../../../src/core/ssh/files';

/** An ssh2 Client whose socket has ended but has not emitted `close` yet: ssh2 throws synchronously. */
class EndedClient extends EventEmitter {
  exec(): never {
    throw new Error('Not connected');
  }
  sftp(): never {
    throw new Error('Not connected');
  }
}

const disconnected = (error: unknown) => isCosvmError(error) && error.code === 'ssh/disconnected';

describe("ssh2's synchronous Not connected (unit)", () => {
  it('runCommand rejects with ssh/disconnected instead of throwing a bare Error', async () => {
    await assert.rejects(runCommand(new EndedClient() as unknown as Client, 'true'), disconnected);
  });

  it('an upload or a download rejects with ssh/disconnected', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cosvm-sftp-'));
    try {
      const local = path.join(dir, 'a.txt');
      writeFileSync(local, 'x');
      const controller = new AbortController();
      const client = new EndedClient() as unknown as Client;
      await assert.rejects(uploadFile(client, local, '/tmp/a.txt', { signal: controller.signal }), disconnected);
      await assert.rejects(downloadFile(client, '/tmp/a.txt', path.join(dir, 'b.txt'), { signal: controller.signal }), disconnected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runCommand cancelled while its channel opens (unit)', () => {
  it('closes the channel and rejects with cancelled, instead of waiting for the command', async () => {
    const channel = Object.assign(new EventEmitter(), { stderr: new EventEmitter(), closed: false, close() { this.closed = true; } });
    let open: (error: Error | undefined, opened: typeof channel) => void = () => undefined;
    const client = { exec: (_command: string, callback: typeof open) => (open = callback) } as unknown as Client;
    const controller = new AbortController();
    const result = runCommand(client, 'sleep 30', controller.signal);
    controller.abort();
    open(undefined, channel);
    await assert.rejects(result, (error: unknown) => isCosvmError(error) && error.code === 'cancelled');
    assert.equal(channel.closed, true);
  });
});
