import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Client } from 'ssh2';
import { isCosvmError } from '../../../src/core/errors';
import { connectSsh, runCommand } from '../../../src/core/ssh/connection';
import { downloadFile, uploadFile } from '../../../src/core/ssh/files';
import { tempDir } from '../../support/tempDir';
import { services } from '../hooks';

describe('SFTP upload and download (real sshd)', function () {
  this.timeout(60_000);
  let client: Client;
  // The test sshd runs on this machine as this user, so a "remote" path is also readable here.
  let dir: string;

  before(async () => {
    const { sshd } = services();
    client = await connectSsh({ host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, trustedHostKeys: [sshd.hostKeyFingerprint] });
  });

  after(() => {
    client?.end();
  });

  beforeEach(() => {
    dir = tempDir('cosvm-sftp-');
  });

  function progressRecorder() {
    const calls: [number, number][] = [];
    return {
      calls,
      onProgress: (transferred: number, total: number) => calls.push([transferred, total]),
      check(total: number) {
        assert.ok(calls.length > 1, `only ${calls.length} progress calls`);
        for (let i = 1; i < calls.length; i++) assert.ok((calls[i]?.[0] ?? 0) > (calls[i - 1]?.[0] ?? 0), 'progress went backwards or repeated');
        assert.ok(calls.every(([, t]) => t === total));
        assert.deepEqual(calls[calls.length - 1], [total, total]);
      },
    };
  }

  it('uploads and downloads 8 MiB byte-identical, with monotonic progress that ends at the size', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const local = path.join(dir, 'random.bin');
    const remote = path.join(dir, 'remote', 'random.bin');
    const back = path.join(dir, 'back.bin');
    writeFileSync(local, data);
    await runCommand(client, `mkdir -p ${path.dirname(remote)}`);

    const up = progressRecorder();
    await uploadFile(client, local, remote, { onProgress: up.onProgress });
    up.check(data.length);
    assert.ok(readFileSync(remote).equals(data), 'upload differs');

    const down = progressRecorder();
    await downloadFile(client, remote, back, { onProgress: down.onProgress });
    down.check(data.length);
    assert.ok(readFileSync(back).equals(data), 'download differs');
    assert.deepEqual(readdirSync(dir).sort(), ['back.bin', 'random.bin', 'remote']);
  });

  it('copies an empty file and reports 0 of 0', async () => {
    const remote = path.join(dir, 'empty');
    writeFileSync(remote, '');
    const calls: [number, number][] = [];
    await downloadFile(client, remote, path.join(dir, 'empty-copy'), { onProgress: (t, n) => calls.push([t, n]) });
    assert.equal(readFileSync(path.join(dir, 'empty-copy'), 'utf8'), '');
    assert.deepEqual(calls, [[0, 0]]);
  });

  it('names the path when the remote file or folder does not exist, and leaves no local file', async () => {
    const missing = path.join(dir, 'no-such-file.log');
    const local = path.join(dir, 'got.log');
    await assert.rejects(downloadFile(client, missing, local), (error: unknown) => {
      assert.ok(isCosvmError(error));
      assert.equal(error.code, 'ssh/command-failed');
      assert.equal(error.userMessage, `Cannot download ${missing}: ${missing} does not exist on the VM.`);
      return true;
    });
    assert.deepEqual(readdirSync(dir), []);

    writeFileSync(local, 'x');
    const intoMissing = path.join(dir, 'no-such-folder', 'x');
    await assert.rejects(uploadFile(client, local, intoMissing), (error: unknown) => {
      assert.ok(isCosvmError(error) && error.code === 'ssh/command-failed');
      assert.equal(error.userMessage, `Cannot upload ${intoMissing}: the folder ${path.dirname(intoMissing)} does not exist on the VM.`);
      return true;
    });
    await assert.rejects(uploadFile(client, path.join(dir, 'nope'), intoMissing), (error: unknown) => isCosvmError(error) && error.userMessage === `Cannot upload ${path.join(dir, 'nope')}: no such file.`);
    await assert.rejects(downloadFile(client, dir, path.join(dir, 'd')), (error: unknown) => isCosvmError(error) && error.userMessage.includes('it is not a file on the VM'));
  });

  it('cancels mid-transfer either way: no partial file, an existing file untouched, and the connection still usable', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const remote = path.join(dir, 'big.bin');
    writeFileSync(remote, data);
    const local = path.join(dir, 'local.bin');
    writeFileSync(local, 'the old content');
    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(
      downloadFile(client, remote, local, {
        signal: controller.signal,
        onProgress: (transferred) => {
          seen = transferred;
          controller.abort();
        },
      }),
      (error: unknown) => isCosvmError(error) && error.code === 'cancelled',
    );
    assert.ok(seen > 0 && seen < data.length, `cancelled at ${seen}`);
    assert.equal(readFileSync(local, 'utf8'), 'the old content');
    assert.deepEqual(readdirSync(dir).sort(), ['big.bin', 'local.bin']);

    const fresh = path.join(dir, 'fresh.bin');
    const again = new AbortController();
    await assert.rejects(
      downloadFile(client, remote, fresh, { signal: again.signal, onProgress: () => again.abort() }),
      (error: unknown) => isCosvmError(error) && error.code === 'cancelled',
    );
    assert.equal(existsSync(fresh), false);

    // A cancelled upload leaves the VM's file as it was, and no temp file behind.
    const target = path.join(dir, 'up.bin');
    writeFileSync(target, 'the VM copy');
    const before = readdirSync(dir).sort();
    const upload = new AbortController();
    await assert.rejects(
      uploadFile(client, remote, target, { signal: upload.signal, onProgress: () => upload.abort() }),
      (error: unknown) => isCosvmError(error) && error.code === 'cancelled',
    );
    assert.equal(readFileSync(target, 'utf8'), 'the VM copy');
    assert.deepEqual(readdirSync(dir).sort(), before);
    await uploadFile(client, remote, target);
    assert.ok(readFileSync(target).equals(data));
    assert.deepEqual(readdirSync(dir).sort(), before);
    assert.equal((await runCommand(client, 'echo still here')).stdout, 'still here\n');
    await downloadFile(client, remote, fresh);
    assert.ok(readFileSync(fresh).equals(data));
  });
});
