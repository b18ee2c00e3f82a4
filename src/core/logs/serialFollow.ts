/**
 * Follows an instance's serial console by polling getSerialPortOutput with `start = next`
 * (gce-api-notes.md §2.5). The API keeps only the last 1 MB: when output outruns the poll, the answer's
 * `start` is past the one asked for, and the gap is reported as lost bytes instead of silently skipped.
 * Nothing is repeated: every byte position is delivered at most once.
 */
import { abortableSleep } from '../abortableSleep';
import { isCancelled } from '../errors';
import type { SerialPortOutput } from '../gce/serialPort';

export interface SerialFollowOptions {
  /** One read from byte position `start` (a decimal string, negative for "the last N bytes"). */
  read: (start: string, signal: AbortSignal) => Promise<SerialPortOutput>;
  /** How much of the existing output the first read shows (default 64 KiB; 0: only new output). */
  tailBytes?: number;
  /** Between polls (default 1500 ms; gce-api-notes.md §2.5 suggests 1–2 s). */
  intervalMs?: number;
  /** After failures the wait doubles from `intervalMs` up to this (default 30 s). */
  maxBackoffMs?: number;
  onText: (text: string) => void;
  /** Bytes the port discarded before we could read them (its ring buffer overflowed between polls). */
  onLost: (bytes: number) => void;
  /** A failed read; the follow keeps polling from the same position. */
  onError?: (error: unknown) => void;
  signal: AbortSignal;
}

export const defaultSerialTailBytes = 64 * 1024;

/** Resolves when `signal` aborts; read failures are reported and retried, never thrown. */
export async function followSerialPort(options: SerialFollowOptions): Promise<void> {
  const { signal } = options;
  const tailBytes = Math.max(0, Math.floor(options.tailBytes ?? defaultSerialTailBytes));
  const intervalMs = options.intervalMs ?? 1_500;
  const maxBackoffMs = Math.max(intervalMs, options.maxBackoffMs ?? 30_000);
  // A negative start reads the tail, so a VM with a full megabyte of console does not flood the view.
  let start = `-${Math.max(1, tailBytes)}`;
  let first = true;
  let wait = intervalMs;
  while (!signal.aborted) {
    try {
      const answer = await options.read(start, signal);
      if (signal.aborted) return;
      const answered = position(answer.start, 'start');
      const next = position(answer.next, 'next');
      let text = answer.contents;
      if (first) {
        if (tailBytes === 0) text = '';
        // The tail usually begins inside a line; start the view at the next whole one.
        else if (answered > 0n) text = fromNextLine(text);
      } else {
        const lost = answered - BigInt(start);
        if (lost > 0n) options.onLost(Number(lost));
      }
      if (text !== '') options.onText(text);
      start = next.toString();
      first = false;
      wait = intervalMs;
    } catch (error) {
      if (signal.aborted || isCancelled(error)) return;
      options.onError?.(error);
      wait = Math.min(maxBackoffMs, wait * 2);
    }
    await abortableSleep(wait, signal);
  }
}

function position(value: string, field: string): bigint {
  if (!/^\d+$/.test(value)) throw new Error(`The serial port answered a bad '${field}': ${JSON.stringify(value)}.`);
  return BigInt(value);
}

function fromNextLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline < 0 ? text : text.slice(newline + 1);
}
