/**
 * A streaming reader of `journalctl -o export`: the binary-safe "Journal Export Format"
 * (https://systemd.io/JOURNAL_EXPORT_FORMATS/). Fields are `NAME=value\n`, or `NAME\n` + 64-bit LE length +
 * raw bytes + `\n` for values holding newlines; a blank line ends an entry. It carries `__CURSOR`, so a
 * follow can resume with `--after-cursor`, and it is far cheaper to produce than `-o json`
 * (peer-measurements.md).
 */

export type JournalFields = Record<string, string>;

export interface JournalEntry {
  cursor: string;
  /** Microseconds since the epoch (`__REALTIME_TIMESTAMP`). */
  realtimeUsec: bigint;
  /** 0 (emerg) … 7 (debug); 6 when the entry has none. */
  priority: number;
  message: string;
  fields: JournalFields;
}

export class JournalExportParser {
  private buffer: Buffer = Buffer.alloc(0);
  private fields: JournalFields = {};

  /** Feeds bytes; returns the entries completed by them. */
  push(chunk: Buffer): JournalEntry[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const entries: JournalEntry[] = [];
    let offset = 0;
    for (;;) {
      const newline = this.buffer.indexOf(0x0a, offset);
      if (newline < 0) break;
      if (newline === offset) {
        // Blank line: end of entry.
        offset = newline + 1;
        const entry = toEntry(this.fields);
        if (entry) entries.push(entry);
        this.fields = {};
        continue;
      }
      const equals = this.buffer.indexOf(0x3d, offset);
      if (equals >= 0 && equals < newline) {
        this.fields[this.buffer.toString('latin1', offset, equals)] = this.buffer.toString('utf8', equals + 1, newline);
        offset = newline + 1;
        continue;
      }
      // Binary field: NAME\n, then the little-endian 64-bit size, the data, and a newline.
      const sizeEnd = newline + 1 + 8;
      if (this.buffer.length < sizeEnd) break;
      const size = Number(this.buffer.readBigUInt64LE(newline + 1));
      const dataEnd = sizeEnd + size;
      if (this.buffer.length < dataEnd + 1) break;
      this.fields[this.buffer.toString('latin1', offset, newline)] = this.buffer.toString('utf8', sizeEnd, dataEnd);
      offset = dataEnd + 1;
    }
    this.buffer = this.buffer.subarray(offset);
    return entries;
  }

  /** Returns the last entry if the stream ended without its blank line. */
  end(): JournalEntry[] {
    const entry = toEntry(this.fields);
    this.fields = {};
    this.buffer = Buffer.alloc(0);
    return entry ? [entry] : [];
  }
}

function toEntry(fields: JournalFields): JournalEntry | undefined {
  const cursor = fields['__CURSOR'];
  if (cursor === undefined) return undefined;
  const priority = Number(fields['PRIORITY'] ?? '6');
  return {
    cursor,
    realtimeUsec: BigInt(fields['__REALTIME_TIMESTAMP'] ?? '0'),
    priority: Number.isInteger(priority) && priority >= 0 && priority <= 7 ? priority : 6,
    message: fields['MESSAGE'] ?? '',
    fields,
  };
}
