import * as assert from 'node:assert/strict';
import { isCosvmError } from '../../../../src/core/errors';
import { dockerLogsFollowCommand, konletStartupQuery, LogResume, parseDockerLogLine, timeNanos, type ContainerLogLine } from '../../../../src/core/logs/containerLogs';
import { journalctlCommand } from '../../../../src/core/logs/journalctl';
import { followCommand, untilChannelCloses } from '../../../../src/core/logs/journalFollow';

const hostile = ['web; rm -rf /', '$(id)', '`id`', 'a b', '-f', '--since=0', "it's", 'web\nid', '', '../x', 'web|id', 'web&'];

describe('container logs commands and resume (unit)', () => {
  it('builds docker logs -f with timestamps, the tail, and the name after --, wrapped to die with the channel', () => {
    const command = dockerLogsFollowCommand('klt-web-abcd', { tail: 200 });
    assert.equal(command, untilChannelCloses('docker logs --follow --timestamps --tail 200 -- klt-web-abcd'));
    assert.equal(dockerLogsFollowCommand('vm-a--web', { tail: 0, since: '1714557600.123456789' }), untilChannelCloses('docker logs --follow --timestamps --since 1714557600.123456789 -- vm-a--web'));
  });

  it('refuses container names Docker could not have, so nothing reaches the shell', () => {
    for (const name of hostile) {
      assert.throws(() => dockerLogsFollowCommand(name, { tail: 10 }), (error: unknown) => isCosvmError(error) && error.code === 'input/invalid', JSON.stringify(name));
    }
    assert.throws(() => dockerLogsFollowCommand('web', { tail: -1 }));
    assert.throws(() => dockerLogsFollowCommand('web', { tail: 0, since: '1; id' }));
  });

  it('wraps a command as one quoted sh -c word; followCommand uses the same wrapper', () => {
    const wrapped = untilChannelCloses("printf '%s' 'a'\\''b'");
    assert.match(wrapped, /^sh -c '.*'$/s);
    assert.ok(wrapped.includes('exec 3<&0'));
    assert.ok(wrapped.includes('wait $pid'));
    assert.equal(followCommand({ unit: 'x.service' }), untilChannelCloses(journalctlCommand({ unit: 'x.service', follow: true })));
  });

  it('queries konlet-startup through the journalctl builder', () => {
    assert.equal(journalctlCommand({ ...konletStartupQuery, lines: 100 }), 'journalctl --no-pager -o export -u konlet-startup.service -n 100');
  });

  it("splits Docker's time prefix off a line", () => {
    assert.deepEqual(parseDockerLogLine('stdout', '2024-05-01T10:00:00.123456789Z hello world'), { stream: 'stdout', time: '2024-05-01T10:00:00.123456789Z', text: 'hello world' });
    assert.deepEqual(parseDockerLogLine('stderr', '2024-05-01T10:00:00.1Z '), { stream: 'stderr', time: '2024-05-01T10:00:00.1Z', text: '' });
    assert.deepEqual(parseDockerLogLine('stderr', 'Error response from daemon: No such container: x'), { stream: 'stderr', text: 'Error response from daemon: No such container: x' });
    assert.equal(timeNanos('2024-05-01T10:00:00.123456789Z'), 1714557600123456789n);
    assert.equal(timeNanos('2024-05-01T12:00:00.5+02:00'), 1714557600500000000n);
    assert.equal(timeNanos('yesterday'), undefined);
  });

  it('resumes after the last line, skipping lines already delivered at that exact time, per stream', () => {
    const t = (s: number, n = 0) => `2024-05-01T10:00:${String(s).padStart(2, '0')}.${String(n).padStart(9, '0')}Z`;
    const line = (stream: 'stdout' | 'stderr', time: string, text: string): ContainerLogLine => ({ stream, time, text });
    const resume = new LogResume();
    assert.equal(resume.since(), undefined);
    resume.restart();
    const first = [line('stdout', t(1), 'a'), line('stdout', t(2), 'b'), line('stdout', t(2), 'c'), line('stderr', t(1, 5), 'e1')];
    assert.deepEqual(first.filter((l) => resume.accept(l)).map((l) => l.text), ['a', 'b', 'c', 'e1']);
    // The older stream's last time, so an in-flight stderr line is not lost.
    assert.equal(resume.since(), '1714557601.000000005');

    // Docker sends again everything since then, including the lines at exactly that time.
    resume.restart();
    const replay = [line('stdout', t(2), 'b'), line('stdout', t(2), 'c'), line('stdout', t(2), 'd'), line('stderr', t(1, 5), 'e1'), line('stderr', t(2), 'e2'), line('stdout', t(3), 'f')];
    assert.deepEqual(replay.filter((l) => resume.accept(l)).map((l) => l.text), ['d', 'e2', 'f']);
    assert.equal(resume.since(), '1714557602.000000000');

    // A stream quiet for long does not make the other replay all of it.
    resume.restart();
    resume.accept(line('stdout', t(59), 'late'));
    assert.equal(resume.since(), '1714557654.000000000');
    assert.equal(resume.accept({ stream: 'stdout', text: 'no time' }), true);
  });
});
