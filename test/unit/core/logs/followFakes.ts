import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';

export type FakeChannel = EventEmitter & { stderr: EventEmitter; end(): void; ended: boolean };

/**
 * Just enough of an ssh2 Client for the follows: `exec` opens a channel that `script` drives (or throws
 * ssh2's synchronous `Not connected` for the attempts in `throwOn`).
 */
export class FakeClient extends EventEmitter {
  execs = 0;
  readonly channels: FakeChannel[] = [];

  constructor(
    private readonly script: (n: number, channel: FakeChannel) => void,
    private readonly throwOn: ReadonlySet<number> = new Set(),
  ) {
    super();
  }

  exec(_command: string, callback: (error: Error | undefined, channel: FakeChannel) => void): void {
    const n = ++this.execs;
    if (this.throwOn.has(n)) throw new Error('Not connected');
    const channel: FakeChannel = Object.assign(new EventEmitter(), {
      stderr: new EventEmitter(),
      ended: false,
      end: () => {
        channel.ended = true;
      },
    });
    this.channels.push(channel);
    callback(undefined, channel);
    this.script(n, channel);
  }

  end(): void {
    // A shared connection: the follows leave it open.
  }

  asClient(): Client {
    return this as unknown as Client;
  }
}

export function journalEntry(n: number): Buffer {
  return Buffer.from(`__CURSOR=c${n}\n__REALTIME_TIMESTAMP=1000000\nPRIORITY=6\nMESSAGE=m${n}\n\n`);
}

export function dockerLine(n: number): Buffer {
  return Buffer.from(`2024-05-01T10:00:00.${String(n).padStart(9, '0')}Z line${n}\n`);
}

/** Lets pending timers and I/O callbacks run. */
export function tick(ms = 5): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
