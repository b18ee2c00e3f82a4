import * as assert from 'node:assert/strict';
import type { DeployMode } from '../../../src/core/gce/model';
import type { JournalEntry } from '../../../src/core/logs/journalExport';
import {
  channelName,
  cleanSerialText,
  containerStream,
  formatContainerLine,
  formatJournalEntry,
  formatTime,
  konletContainer,
  lostBytesLine,
  statusLine,
  streamKey,
  streamsFor,
} from '../../../src/logs/format';

const declaration = ['spec:', '  containers:', '    - name: web', '      image: nginx', '    - image: busybox', ''].join('\n');
const instance = (deployMode: DeployMode, text: string | null = declaration) => ({ project: 'p', zone: 'z', name: 'web-1', deployMode, declaration: text ?? undefined });

function entry(message: string, priority: number, ms = Date.UTC(2026, 10, 23, 5, 1, 2, 123)): JournalEntry {
  return { cursor: 'c', realtimeUsec: BigInt(ms) * 1000n + 456n, priority, message, fields: {} };
}

describe('log stream choice and line formats (unit)', () => {
  it('offers each container unit journal on cloud-init VMs, named by the renderer, then the serial port', () => {
    const streams = streamsFor(instance('cloud-init'));
    assert.deepEqual(
      streams.map((s) => s.source),
      [
        { kind: 'journal', unit: 'cosvm-web.service' },
        { kind: 'journal', unit: 'cosvm-container-1.service' },
        { kind: 'serial', port: 1 },
      ],
    );
    assert.equal(channelName(streams[0]!), 'COS: web-1 · web (journal)');
    assert.equal(channelName(streams[2]!), 'COS: web-1 · serial port 1');
  });

  it('offers docker logs of each konlet container and the konlet-startup journal on konlet VMs', () => {
    const streams = streamsFor(instance('konlet'));
    assert.deepEqual(
      streams.map((s) => [s.label, s.source]),
      [
        ['web', { kind: 'docker', container: 'web', konlet: true }],
        ['container-1', { kind: 'docker', container: 'container-1', konlet: true }],
        ['konlet-startup', { kind: 'journal', unit: 'konlet-startup.service' }],
        ['serial port 1', { kind: 'serial', port: 1 }],
      ],
    );
    assert.equal(channelName(streams[0]!), 'COS: web-1 · web (docker logs)');
    assert.equal(channelName(streams[2]!), 'COS: web-1 · konlet-startup (journal)');
  });

  it('offers only the serial port without a declaration or for startup-script and plain VMs', () => {
    for (const mode of ['startup-script', 'none'] as const) assert.deepEqual(streamsFor(instance(mode)).map((s) => s.source.kind), ['serial']);
    assert.deepEqual(streamsFor(instance('cloud-init', null)).map((s) => s.source.kind), ['serial']);
    assert.deepEqual(streamsFor(instance('cloud-init', 'spec: [')).map((s) => s.source.kind), ['serial']);
  });

  it("follows konlet's klt-<name>-xxxx from docker ps as the declared container's stream, so it is one channel", () => {
    const ref = { project: 'p', zone: 'z', name: 'legacy-1' };
    const fromPs = containerStream(ref, 'klt-legacy-oazp');
    const fromFollowLogs = streamsFor({ ...instance('konlet', 'spec:\n  containers:\n  - name: legacy\n    image: nginx\n'), name: 'legacy-1' }).find((s) => s.source.kind === 'docker');
    assert.ok(fromFollowLogs);
    assert.equal(streamKey(fromPs), streamKey(fromFollowLogs));
    assert.deepEqual(containerStream(ref, 'my-sidecar').source, { kind: 'docker', container: 'my-sidecar' });
  });

  it('offers only the serial port on a VM that is not running (SSH streams would never connect)', () => {
    assert.deepEqual(streamsFor({ ...instance('konlet'), status: 'TERMINATED' }).map((s) => s.source.kind), ['serial']);
    assert.equal(streamsFor({ ...instance('konlet'), status: 'RUNNING' }).length, 4);
  });

  it('keys a stream by instance and source, so the same stream reopens its channel', () => {
    const [a, , serial] = streamsFor(instance('cloud-init'));
    const again = streamsFor(instance('cloud-init'))[0]!;
    assert.equal(streamKey(a!), streamKey(again));
    assert.equal(streamKey(a!), 'p/z/web-1#journal:cosvm-web.service');
    assert.notEqual(streamKey(a!), streamKey(serial!));
    assert.notEqual(streamKey({ ...a!, instance: { project: 'p', zone: 'y', name: 'web-1' } }), streamKey(a!));
  });

  it('finds konlet’s klt-<name>-xxxx container, a running one first, and nothing for a prefix match', () => {
    const list = [
      { name: 'klt-web-abcd', state: 'exited' },
      { name: 'klt-web-efgh', state: 'running' },
      { name: 'klt-web2-ijkl', state: 'running' },
      { name: 'klt-w.b-mnop', state: 'running' },
    ];
    assert.equal(konletContainer('web', list), 'klt-web-efgh');
    assert.equal(konletContainer('web', list.slice(0, 1)), 'klt-web-abcd');
    assert.equal(konletContainer('w.b', list), 'klt-w.b-mnop');
    assert.equal(konletContainer('wxb', list), undefined);
    assert.equal(konletContainer('we', list), undefined);
  });

  it('shows time with milliseconds and the priority by name', () => {
    assert.equal(formatTime(Date.UTC(2026, 10, 23, 5, 1, 2, 7), true), '2026-11-23 05:01:02.007');
    assert.equal(formatJournalEntry(entry('disk almost full', 4), true), '2026-11-23 05:01:02.123 [warn] disk almost full');
    assert.equal(formatJournalEntry(entry('boom', 3), true), '2026-11-23 05:01:02.123 [error] boom');
    assert.equal(formatJournalEntry(entry('x', 6), true), '2026-11-23 05:01:02.123 [info] x');
    assert.equal(formatJournalEntry(entry('x', 7), true), '2026-11-23 05:01:02.123 [debug] x');
  });

  it('indents continuation lines of a multi-line message under its first line', () => {
    const text = formatJournalEntry(entry('Traceback:\n  File "a"\nError\n', 3), true);
    const prefix = '2026-11-23 05:01:02.123 [error] ';
    assert.equal(text, `${prefix}Traceback:\n${' '.repeat(prefix.length)}  File "a"\n${' '.repeat(prefix.length)}Error`);
  });

  it('shows docker lines with their time and stream, and untimed ones as they are', () => {
    assert.equal(formatContainerLine({ stream: 'stderr', time: '2026-11-23T05:01:02.123456789Z', text: 'oops' }, true), '2026-11-23 05:01:02.123 [stderr] oops');
    assert.equal(formatContainerLine({ stream: 'stdout', text: 'plain' }, true), '[stdout] plain');
  });

  it('sets cosvm’s own lines apart and counts lost serial bytes', () => {
    assert.equal(statusLine('reconnecting', Date.UTC(2026, 10, 23, 5, 1, 2), true), '── 05:01:02 reconnecting ──');
    assert.match(lostBytesLine(123456), /^\[123,456 bytes of serial output were lost/);
  });

  it('strips terminal escapes and carriage returns from serial output', () => {
    assert.equal(cleanSerialText('[\x1b[0;32m  OK  \x1b[0m] Started x.\r\nnext\rover'), '[  OK  ] Started x.\nnext\nover');
  });
});
