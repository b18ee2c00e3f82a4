import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { JournalEntry } from '../../../src/core/logs/journalExport';
import { followJournal } from '../../../src/core/logs/journalFollow';
import { connectSsh } from '../../../src/core/ssh/connection';
import { cuttableRelay } from '../../support/cuttableRelay';
import { waitFor } from '../../support/processes';
import { tempDir } from '../../support/tempDir';
import { services } from '../hooks';

describe('journal follow over SSH (real sshd, real journal)', function () {
  this.timeout(120_000);

  it('survives 20 forced disconnects with no entry lost and none repeated', async () => {
    const { sshd } = services();
    const dir = tempDir('cosvm-follow-');
    // A journal that keeps growing while we follow it: systemd-journal-remote appends what we write.
    const writer = spawn('/lib/systemd/systemd-journal-remote', ['-o', path.join(dir, 'vm.journal'), '-'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const total = 3_000;
    let written = 0;
    // Like a real journal, entries carry a boot id and a monotonic clock (journalctl -f needs the boot).
    const bootId = randomBytes(16).toString('hex');
    const writeBatch = (count: number) => {
      let text = '';
      for (let i = 0; i < count && written < total; i++, written++) {
        text += `__REALTIME_TIMESTAMP=${BigInt(Date.now()) * 1000n + BigInt(written)}\n__MONOTONIC_TIMESTAMP=${written + 1}\n_BOOT_ID=${bootId}\n_SYSTEMD_UNIT=cosvm-web.service\nPRIORITY=6\nMESSAGE=line ${written}\n\n`;
      }
      writer.stdin.write(text);
    };
    writeBatch(200);
    // Other units keep writing, as on any running VM: `journalctl -f` wakes on the journal's changes, and a
    // journal where nothing else happens can leave it waiting after a burst (seen with journal-remote).
    let heartbeat = 0;
    const heartbeats = setInterval(() => {
      heartbeat++;
      writer.stdin.write(`__REALTIME_TIMESTAMP=${BigInt(Date.now()) * 1000n}\n__MONOTONIC_TIMESTAMP=${1_000_000 + heartbeat}\n_BOOT_ID=${bootId}\n_SYSTEMD_UNIT=other.service\nMESSAGE=tick ${heartbeat}\n\n`);
    }, 100);
    const relay = await cuttableRelay(sshd.host, sshd.port);
    const received: JournalEntry[] = [];
    const controller = new AbortController();
    let connects = 0;
    const statuses: string[] = [];
    const following = followJournal({
      connect: async () => {
        connects++;
        return connectSsh({ host: '127.0.0.1', port: relay.port, username: sshd.username, privateKey: sshd.privateKey, trustedHostKeys: [sshd.hostKeyFingerprint], keepaliveIntervalMs: 500, readyTimeoutMs: 5_000 });
      },
      query: { directory: dir, unit: 'cosvm-web.service', lines: 100_000 },
      onEntries: (entries) => received.push(...entries),
      onStatus: (status, error) => statuses.push(`${status}${error instanceof Error ? `: ${error.message}` : ''}`),
      signal: controller.signal,
      backoff: { initialMs: 50, maxMs: 400 },
    });
    try {
      // Each cut comes once the new connection has delivered something, so every cut hits a live follow.
      let cuts = 0;
      let seenAtCut = 0;
      while (cuts < 20) {
        await waitFor('entries over the new connection', () => received.length > seenAtCut, 20_000, () => `received ${received.length}`);
        seenAtCut = received.length;
        writeBatch(60);
        await new Promise((resolve) => setTimeout(resolve, 30));
        if (relay.cut() > 0) cuts++;
      }
      while (written < total) writeBatch(100);
      await waitFor(`all ${total} entries`, () => received.length >= total, 30_000, () => `received ${received.length}; last statuses ${statuses.slice(-6).join(' | ')}; connects ${connects}; last ${received[received.length - 1]?.message}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      clearInterval(heartbeats);
      controller.abort();
      await following;
      relay.close();
      writer.stdin.end();
    }
    assert.ok(connects >= 21, `only ${connects} connections for 20 cuts`);
    assert.deepEqual(
      received.map((e) => e.message),
      Array.from({ length: total }, (_, i) => `line ${i}`),
    );
    assert.equal(new Set(received.map((e) => e.cursor)).size, total);
  });
});
