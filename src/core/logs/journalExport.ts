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
    const buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const entries: JournalEntry[] = [];
    // Speed (bench/logs.ts): the complete lines are decoded once as latin1, one char per byte, so string
    // offsets are byte offsets and the scanning runs on a JS string instead of one native call per search.
    // Values are re-decoded as UTF-8 only when they hold a non-ASCII byte.
    const text = buffer.toString('latin1', 0, buffer.lastIndexOf(0x0a) + 1);
    let offset = 0;
    for (;;) {
      const newline = text.indexOf('\n', offset);
      if (newline < 0) break;
      if (newline === offset) {
        // Blank line: end of entry.
        offset = newline + 1;
        const entry = toEntry(this.fields);
        if (entry) entries.push(entry);
        this.fields = {};
        continue;
      }
      const equals = text.indexOf('=', offset);
      if (equals >= 0 && equals < newline) {
        const value = text.slice(equals + 1, newline);
        this.fields[text.slice(offset, equals)] = NON_ASCII.test(value) ? buffer.toString('utf8', equals + 1, newline) : value;
        offset = newline + 1;
        continue;
      }
      // Binary field: NAME\n, then the little-endian 64-bit size, the data, and a newline.
      const sizeEnd = newline + 1 + 8;
      if (buffer.length < sizeEnd) break;
      const size = buffer.readUInt32LE(newline + 1) + buffer.readUInt32LE(newline + 5) * 2 ** 32;
      const dataEnd = sizeEnd + size;
      if (buffer.length < dataEnd + 1) break;
      this.fields[text.slice(offset, newline)] = buffer.toString('utf8', sizeEnd, dataEnd);
      offset = dataEnd + 1;
    }
    this.buffer = buffer.subarray(offset);
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

/** Latin1-decoded text holds only U+0000–U+00FF; a byte above 0x7f means the UTF-8 value needs decoding. */
const NON_ASCII = /[\x80-\xff]/;

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
