import * as assert from 'node:assert/strict';
import { isCosvmError } from '../../../src/core/errors';
import { createComputeClients, type ComputeClients } from '../../../src/core/gce/computeClients';
import { getSerialPortOutput } from '../../../src/core/gce/serialPort';
import { followSerialPort } from '../../../src/core/logs/serialFollow';
import { SERIAL_CAPACITY, startEmulator, type Emulator } from '../../emulator';
import { waitFor } from '../../support/processes';
import { computeClients as testClients, waitDone } from '../emulator/computeClients';

const project = 'serial-project';
const zone = 'us-east1-b';

describe('serial port follow against the Compute emulator', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let clients: ComputeClients;

  before(async () => {
    process.env['METADATA_SERVER_DETECTION'] = 'none';
    emulator = await startEmulator({ stepMs: 5 });
    clients = createComputeClients({ endpoint: new URL(emulator.url) });
  });

  after(async () => {
    await emulator.close();
  });

  async function insert(name: string) {
    const raw = testClients(emulator);
    await waitDone(raw, project, await raw.instances.insert({ project, zone, instanceResource: { name, machineType: 'e2-small' } }));
    return { project, zone, name };
  }

  it('reads start/next as strings, the tail with a negative start, and names a missing instance', async () => {
    const ref = await insert('serial-read');
    const all = await getSerialPortOutput(clients, ref);
    assert.equal(all.start, '0');
    assert.equal(Number(all.next), Buffer.byteLength(all.contents));
    const tail = await getSerialPortOutput(clients, ref, { start: -10 });
    assert.equal(tail.start, String(Number(all.next) - 10));
    assert.equal(tail.contents, all.contents.slice(-10));
    await assert.rejects(getSerialPortOutput(clients, { ...ref, name: 'nope' }), (error: unknown) => isCosvmError(error) && error.code === 'gce/not-found' && error.userMessage.includes('nope'));
  });

  it('follows new lines, and reports exactly the bytes lost when 1 MiB overflows between polls', async () => {
    const ref = await insert('serial-follow');
    const io = emulator.instanceIo(project, zone, ref.name);
    const texts: string[] = [];
    const lost: number[] = [];
    const errors: unknown[] = [];
    let appended = '';
    const append = (text: string) => {
      appended += text;
      io.appendSerial(text);
    };
    // Armed by the test: the next read first writes 1.5 MiB, as a chatty boot would between two polls.
    let overflowAt: number | undefined;
    let armed = false;
    const controller = new AbortController();
    const following = followSerialPort({
      read: (start, signal) => {
        if (armed) {
          armed = false;
          overflowAt = Number(start);
          for (let i = 0; i < 1536; i++) append(`burst ${String(i).padStart(5, '0')} ${'x'.repeat(1010)}\n`);
        }
        return getSerialPortOutput(clients, ref, { start }, signal);
      },
      tailBytes: 4 * SERIAL_CAPACITY,
      intervalMs: 50,
      onText: (text) => texts.push(text),
      onLost: (bytes) => lost.push(bytes),
      onError: (error) => errors.push(error),
      signal: controller.signal,
    });
    try {
      await waitFor('the boot output', () => texts.length > 0);
      const boot = texts[0] ?? '';
      assert.match(boot, /SeaBIOS/);
      for (let i = 0; i < 20; i++) {
        append(`line ${i}\n`);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      await waitFor('the lines', () => texts.join('').endsWith('line 19\n'));
      armed = true;
      await waitFor('the burst', () => lost.length > 0 && texts.join('').includes('burst 01535'));
      append('after the burst\n');
      await waitFor('the line after', () => texts.join('').endsWith('after the burst\n'));

      const stream = Buffer.from(boot + appended);
      const discardedFrom = overflowAt ?? -1;
      const discardedTo = stream.length - 'after the burst\n'.length - SERIAL_CAPACITY;
      assert.deepEqual(lost, [discardedTo - discardedFrom]);
      const expected = Buffer.concat([stream.subarray(0, discardedFrom), stream.subarray(discardedTo)]);
      assert.ok(Buffer.from(texts.join('')).equals(expected), 'the text seen is the stream minus the discarded bytes, nothing repeated');
      assert.deepEqual(errors, []);
    } finally {
      controller.abort();
      await following;
    }
  });

  it('rides out failed reads (503 past the retries) and resumes where it was', async () => {
    const ref = await insert('serial-faults');
    const io = emulator.instanceIo(project, zone, ref.name);
    const texts: string[] = [];
    const errors: unknown[] = [];
    let reads = 0;
    const controller = new AbortController();
    const following = followSerialPort({
      read: async (start, signal) => {
        const answer = await getSerialPortOutput(clients, ref, { start }, signal);
        reads++;
        return answer;
      },
      tailBytes: 0,
      intervalMs: 30,
      maxBackoffMs: 200,
      onText: (text) => texts.push(text),
      onLost: () => assert.fail('nothing was discarded'),
      onError: (error) => errors.push(error),
      signal: controller.signal,
    });
    try {
      // With tailBytes 0 the first read only finds the position; what comes after it is shown.
      await waitFor('the first read', () => reads > 0);
      io.appendSerial('ready\n');
      await waitFor('the first line', () => texts.length > 0);
      // getJson tries a read 5 times; 10 failures make two reads fail.
      emulator.faults.failNext(10, 503, { path: /serialPort$/ });
      io.appendSerial('during the outage\n');
      await waitFor('two failed reads', () => errors.length >= 2);
      io.appendSerial('after it\n');
      await waitFor('the text', () => texts.join('').endsWith('after it\n'));
      assert.equal(texts.join(''), 'ready\nduring the outage\nafter it\n');
      assert.ok(errors.every((error) => isCosvmError(error) && error.code === 'gce/request-failed'), String(errors[0]));
    } finally {
      controller.abort();
      await following;
    }
  });
});
