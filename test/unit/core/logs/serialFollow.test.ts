import * as assert from 'node:assert/strict';
import type { SerialPortOutput } from '../../../../src/core/gce/serialPort';
import { followSerialPort } from '../../../../src/core/logs/serialFollow';

/** A serial port as §2.5 describes it: byte positions since boot, only the last `capacity` bytes held. */
class FakePort {
  stream = '';
  constructor(private readonly capacity: number) {}

  write(text: string): void {
    this.stream += text;
  }

  read(requested: string): SerialPortOutput {
    const total = this.stream.length;
    const oldest = Math.max(0, total - this.capacity);
    const value = Number(requested);
    const start = Math.min(Math.max(value < 0 ? total + value : value, oldest), total);
    return { contents: this.stream.slice(start), start: String(start), next: String(total) };
  }
}

interface Run {
  texts: string[];
  lost: number[];
  errors: unknown[];
  requests: string[];
}

/** Follows `port`, calling `steps[i]` before poll i (to write or fail), and stops after the last step. */
async function follow(port: FakePort, steps: ((poll: number) => void)[], tailBytes?: number): Promise<Run> {
  const run: Run = { texts: [], lost: [], errors: [], requests: [] };
  const controller = new AbortController();
  let poll = 0;
  await followSerialPort({
    read: (start) => {
      run.requests.push(start);
      const step = steps[poll];
      poll++;
      if (!step) {
        controller.abort();
        return Promise.resolve({ contents: 'never shown', start: '0', next: '0' });
      }
      try {
        step(poll - 1);
        return Promise.resolve(port.read(start));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    ...(tailBytes === undefined ? {} : { tailBytes }),
    intervalMs: 1,
    maxBackoffMs: 4,
    onText: (text) => run.texts.push(text),
    onLost: (bytes) => run.lost.push(bytes),
    onError: (error) => run.errors.push(error),
    signal: controller.signal,
  });
  return run;
}

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}\n`).join('');

describe('serial port follow (unit, fake port)', () => {
  it('starts with the last tailBytes, from the next whole line, and asks with a negative start', async () => {
    const port = new FakePort(1 << 20);
    port.write(lines(0, 100));
    const run = await follow(port, [() => undefined, () => port.write('after\n'), () => undefined], 30);
    assert.equal(run.requests[0], '-30');
    // The last 30 bytes begin inside "line 96\n"; the view starts at line 97.
    assert.deepEqual(run.texts, ['line 97\nline 98\nline 99\n', 'after\n']);
    assert.deepEqual(run.lost, []);
    assert.equal(run.requests[1], String(lines(0, 100).length));
  });

  it('shows a short buffer whole, and with tailBytes 0 only what comes after', async () => {
    const port = new FakePort(1 << 20);
    port.write('boot\n');
    assert.deepEqual((await follow(port, [() => undefined])).texts, ['boot\n']);
    const run = await follow(port, [() => undefined, () => port.write('new\n')], 0);
    assert.deepEqual(run.texts, ['new\n']);
  });

  it('reports exactly the bytes the ring discarded between two polls, and repeats nothing', async () => {
    const port = new FakePort(100);
    port.write('0123456789\n');
    const run = await follow(port, [
      () => undefined,
      () => port.write('a'.repeat(50)),
      // 250 bytes while nobody reads: the port keeps the last 100, so 150 of them are gone.
      () => port.write('b'.repeat(200) + 'c'.repeat(50)),
      () => port.write('d'),
    ]);
    assert.deepEqual(run.lost, [150]);
    assert.deepEqual(run.texts, ['0123456789\n', 'a'.repeat(50), 'b'.repeat(50) + 'c'.repeat(50), 'd']);
  });

  it('accounts for every byte under random writes: text seen + bytes lost = the stream', async () => {
    // mulberry32: small, seeded, good enough in its low bits.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const port = new FakePort(256);
    let counter = 0;
    const steps = Array.from({ length: 300 }, () => () => {
      const writes = random(4);
      for (let i = 0; i < writes; i++) {
        const size = random(5) === 0 ? 200 + random(400) : random(60);
        let text = '';
        while (text.length < size) text += `${counter++},`;
        port.write(text);
      }
    });
    const run = await follow(port, steps, 1 << 20);
    const seen = run.texts.join('');
    const lost = run.lost.reduce((a, b) => a + b, 0);
    assert.ok(run.lost.length > 10, `only ${run.lost.length} overflows`);
    assert.equal(seen.length + lost, port.stream.length);
    // Rebuild the stream from the reads: each read starts at its answered start, which is where the text resumes.
    let rebuilt = '';
    let cursor = 0;
    let lostIndex = 0;
    for (const text of run.texts) {
      const at = port.stream.indexOf(text, cursor);
      assert.ok(at >= cursor, 'text out of order or repeated');
      if (at > cursor) {
        assert.equal(at - cursor, run.lost[lostIndex], 'a gap that was not reported as lost');
        lostIndex++;
      }
      rebuilt += text;
      cursor = at + text.length;
    }
    assert.equal(lostIndex, run.lost.length);
    assert.equal(cursor, port.stream.length);
    assert.ok(rebuilt.length === seen.length);
  });

  it('keeps its position through failed reads and reports each failure', async () => {
    const port = new FakePort(1 << 20);
    port.write('one\n');
    const fail = () => {
      port.write('x\n');
      throw new Error('503 from the API');
    };
    const run = await follow(port, [() => undefined, fail, fail, () => port.write('two\n')]);
    assert.equal(run.errors.length, 2);
    assert.deepEqual(run.texts, ['one\n', 'x\nx\ntwo\n']);
    assert.deepEqual(run.requests.slice(1, 4), ['4', '4', '4']);
    assert.deepEqual(run.lost, []);
  });

  it('resolves promptly when aborted while waiting', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const following = followSerialPort({
      read: () => Promise.resolve({ contents: '', start: '0', next: '0' }),
      intervalMs: 60_000,
      onText: () => undefined,
      onLost: () => undefined,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    await following;
    assert.ok(Date.now() - started < 1_000);
  });
});
