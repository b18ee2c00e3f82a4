import * as assert from 'node:assert/strict';
import { journalctlCommand } from '../../../../src/core/logs/journalctl';
import { JournalExportParser } from '../../../../src/core/logs/journalExport';

function binaryField(name: string, value: string): Buffer {
  const data = Buffer.from(value);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(data.length));
  return Buffer.concat([Buffer.from(`${name}\n`), size, data, Buffer.from('\n')]);
}

describe('journal export format', () => {
  const stream = Buffer.concat([
    Buffer.from('__CURSOR=s=1;i=1\n__REALTIME_TIMESTAMP=1700000000000001\nPRIORITY=3\nMESSAGE=first\n\n'),
    Buffer.from('__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=1700000000000002\n'),
    binaryField('MESSAGE', 'two\nlines = yes'),
    Buffer.from('\n__CURSOR=s=1;i=3\nMESSAGE=ünïcode\n\n'),
  ]);

  it('parses text and binary fields', () => {
    const entries = new JournalExportParser().push(stream);
    assert.deepEqual(
      entries.map((e) => [e.cursor, e.message, e.priority, e.realtimeUsec]),
      [
        ['s=1;i=1', 'first', 3, 1700000000000001n],
        ['s=1;i=2', 'two\nlines = yes', 6, 1700000000000002n],
        ['s=1;i=3', 'ünïcode', 6, 0n],
      ],
    );
  });

  it('gives the same entries whatever the chunking', () => {
    for (const size of [1, 2, 3, 7, 13, 64]) {
      const parser = new JournalExportParser();
      const entries = [];
      for (let i = 0; i < stream.length; i += size) entries.push(...parser.push(stream.subarray(i, i + size)));
      entries.push(...parser.end());
      assert.deepEqual(
        entries.map((e) => e.message),
        ['first', 'two\nlines = yes', 'ünïcode'],
        `chunk size ${size}`,
      );
    }
  });

  it('builds a quoted journalctl command that resumes after a cursor', () => {
    assert.equal(
      journalctlCommand({ unit: "x'; id #", afterCursor: 's=1;i=2', lines: 100, follow: true }),
      `journalctl --no-pager -o export -u 'x'\\''; id #' '--after-cursor=s=1;i=2' -f`,
    );
    assert.equal(journalctlCommand({ unit: 'konlet-startup', lines: 50 }), 'journalctl --no-pager -o export -u konlet-startup -n 50');
  });
});
