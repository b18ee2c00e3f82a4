import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCosvmError } from '../../src/core/errors';
import { journalctlCommand } from '../../src/core/logs/journalctl';
import { JournalExportParser } from '../../src/core/logs/journalExport';
import { connectSsh, runCommand } from '../../src/core/ssh/connection';
import { shellCommand } from '../../src/core/shell';
import { writeJournal } from '../support/services';
import { services } from './hooks';
import { tempDir } from '../support/tempDir';
import { userKey } from '../support/userKey';

function target() {
  const sshd = services().sshd;
  return { host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, trustedHostKeys: [sshd.hostKeyFingerprint] };
}

describe('ssh2 against the real OpenSSH sshd', function () {
  this.timeout(60_000);

  it('runs a command and returns stdout, stderr and the exit code', async () => {
    const client = await connectSsh(target());
    try {
      const result = await runCommand(client, 'echo "out $((6*7))"; echo err >&2; exit 3');
      assert.deepEqual(result, { stdout: 'out 42\n', stderr: 'err\n', exitCode: 3, signal: undefined });
    } finally {
      client.end();
    }
  });

  it('refuses a server whose host key is not the trusted one, naming both fingerprints', async () => {
    const wrong = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    await assert.rejects(connectSsh({ ...target(), trustedHostKeys: [wrong] }), (error: unknown) => {
      assert.ok(isCosvmError(error));
      assert.equal(error.code, 'ssh/host-key-mismatch');
      assert.ok(error.userMessage.includes(wrong) && error.userMessage.includes(services().sshd.hostKeyFingerprint), error.userMessage);
      return true;
    });
  });

  it('reports a refused key as an authentication failure', async () => {
    const stranger = await userKey();
    await assert.rejects(
      connectSsh({ ...target(), privateKey: stranger.privateKey }),
      (error: unknown) => isCosvmError(error) && error.code === 'ssh/auth-failed',
    );
  });

  it('reads a real journal with journalctl over SSH and resumes after a cursor', async () => {
    const dir = tempDir('cosvm-journal-');
    const messages = Array.from({ length: 50 }, (_, i) => `request ${i} GET /index.html 200`);
    await writeJournal(dir, 'vm-1', [
      ...messages.map((message) => ({ unit: 'cosvm-app.service', message })),
      { unit: 'konlet-startup.service', message: 'not this unit' },
    ]);
    const client = await connectSsh(target());
    try {
      const read = async (afterCursor?: string) => {
        const result = await runCommand(client, journalctlCommand({ directory: dir, unit: 'cosvm-app.service', ...(afterCursor ? { afterCursor } : {}) }));
        assert.equal(result.exitCode, 0, result.stderr);
        const parser = new JournalExportParser();
        return [...parser.push(Buffer.from(result.stdout)), ...parser.end()];
      };
      const all = await read();
      assert.deepEqual(all.map((e) => e.message), messages);
      assert.equal(new Set(all.map((e) => e.cursor)).size, all.length);
      const rest = await read(all[19]?.cursor);
      assert.deepEqual(rest.map((e) => e.message), messages.slice(20));
    } finally {
      client.end();
    }
  });

  it('passes hostile unit names to the remote shell as plain words', async () => {
    const client = await connectSsh(target());
    try {
      const marker = path.join(os.tmpdir(), `cosvm-injected-${process.pid}`);
      const result = await runCommand(client, shellCommand(['printf', '%s', `x; touch ${marker}`]));
      assert.equal(result.stdout, `x; touch ${marker}`);
      assert.equal((await runCommand(client, shellCommand(['test', '-e', marker]))).exitCode, 1);
    } finally {
      client.end();
    }
  });
});
