/**
 * An instance's journal: real journal files in one directory, written by systemd-journal-remote from
 * entries in the Journal Export Format. One journal-remote runs per boot and appends to
 * DIR/system.journal while the instance runs, so `journalctl -D DIR -f` follows it like journald's own
 * files (checked: journal-remote reopens and appends to an existing file, and readers see each entry
 * as soon as it is written).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { ProcessGroup } from '../../support/processes';

export type JournalFields = Record<string, string>;

export class InstanceJournal {
  private child: ChildProcess | undefined;
  private bootId = '';
  private bootStart = 0n;
  private lastRealtime = 0n;
  private boots = 0;

  constructor(
    readonly directory: string,
    private readonly group: ProcessGroup,
    private readonly processName: string,
    private readonly machineId: string,
    private readonly hostname: string,
  ) {}

  get isOpen(): boolean {
    return this.child !== undefined;
  }

  /** Microseconds since this boot began (the journal's monotonic clock and the console's `[   1.234567]`). */
  uptimeUsec(): bigint {
    return (process.hrtime.bigint() - this.bootStart) / 1000n;
  }

  /** Starts a boot: a new boot id and a journal-remote process appending to DIR/system.journal. */
  open(): void {
    if (this.child) return;
    mkdirSync(this.directory, { recursive: true });
    this.bootId = randomBytes(16).toString('hex');
    this.bootStart = process.hrtime.bigint();
    this.boots += 1;
    const started = this.group.spawn(`${this.processName}-${this.boots}`, '/lib/systemd/systemd-journal-remote', ['-o', path.join(this.directory, 'system.journal'), '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // A write after journal-remote died must not crash the test process; its log keeps the reason.
    started.child.stdin?.on('error', () => undefined);
    started.child.once('exit', () => {
      if (this.child === started.child) this.child = undefined;
    });
    this.child = started.child;
  }

  write(fields: JournalFields): void {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed) return;
    let realtime = BigInt(Date.now()) * 1000n;
    // Entries keep their order in time even when several land in the same microsecond.
    if (realtime <= this.lastRealtime) realtime = this.lastRealtime + 1n;
    this.lastRealtime = realtime;
    const all: JournalFields = {
      __REALTIME_TIMESTAMP: String(realtime),
      __MONOTONIC_TIMESTAMP: String(this.uptimeUsec()),
      _BOOT_ID: this.bootId,
      _MACHINE_ID: this.machineId,
      _HOSTNAME: this.hostname,
      ...fields,
    };
    stdin.write(Buffer.concat([...Object.entries(all).map(([name, value]) => exportField(name, value)), Buffer.from('\n')]));
  }

  /** Ends the boot: journal-remote writes what it has, closes the file and exits. */
  async close(timeoutMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

/** One field in export format: `NAME=value`, or the binary form for values with a newline. */
function exportField(name: string, value: string): Buffer {
  if (!value.includes('\n')) return Buffer.from(`${name}=${value}\n`);
  const data = Buffer.from(value);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(data.length));
  return Buffer.concat([Buffer.from(`${name}\n`), size, data, Buffer.from('\n')]);
}

/** Splits a byte stream into lines as journald's stdout reader does, holding back a partial last line. */
export class LineSplitter {
  private pending = '';

  push(chunk: Buffer | string): string[] {
    const lines = (this.pending + chunk.toString()).split('\n');
    this.pending = lines.pop() ?? '';
    return lines.map((line) => line.replace(/\r$/, ''));
  }

  end(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest ? [rest] : [];
  }
}
