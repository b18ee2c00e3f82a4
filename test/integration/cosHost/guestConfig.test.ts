import * as assert from 'node:assert/strict';
import { cloudConfigUnits, splitSystemdCommand } from '../../emulator/cosHost/cloudConfig';
import { rewriteRunArgs } from '../../emulator/cosHost/dockerArgs';
import { effectiveSshKeys, parseSshKeyLine } from '../../emulator/cosHost/sshKeys';
import { renderDeclaration } from '../../../src/core/declaration/render';
import { makeInstance } from './fixtures';

const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq7cGl2u0wC2n5Y2Jq0o2y1tV8oFw7m3r3xk2bA1dZx';

describe('COS host: what the guest agent and systemd would read', () => {
  it('parses permanent and expiring ssh-keys lines, and drops bad ones', () => {
    assert.deepEqual(parseSshKeyLine(`alice:${key} alice@laptop`), { user: 'alice', line: `${key} alice@laptop` });
    const expiring = parseSshKeyLine(`bob:${key} google-ssh {"userName":"bob","expireOn":"2030-01-01T12:00:00+0000"}`);
    assert.equal(expiring?.expiresAt, Date.UTC(2030, 0, 1, 12));
    assert.equal(parseSshKeyLine(`bob:${key} google-ssh {"userName":"bob"}`), undefined);
    assert.equal(parseSshKeyLine(`../x:${key}`), undefined);
    assert.equal(parseSshKeyLine(`:${key}`), undefined);
    assert.equal(parseSshKeyLine('alice:not a key'), undefined);
  });

  it('combines instance and project keys as gcloud describes, honouring block-project-ssh-keys and expiry', () => {
    const past = `old:${key} google-ssh {"userName":"old","expireOn":"2020-01-01T00:00:00+0000"}`;
    const users = (items: Record<string, string>, project: Record<string, string>) => effectiveSshKeys(makeInstance('x', '127.0.77.200', items, project)).map((k) => k.user);
    assert.deepEqual(users({ 'ssh-keys': `a:${key}\n${past}` }, { 'ssh-keys': `p:${key}`, sshKeys: `q:${key}` }), ['a', 'p', 'q']);
    assert.deepEqual(users({ 'ssh-keys': `a:${key}`, 'block-project-ssh-keys': 'TRUE' }, { 'ssh-keys': `p:${key}` }), ['a']);
    assert.deepEqual(users({ 'ssh-keys': `a:${key}`, sshKeys: `l:${key}` }, { 'ssh-keys': `p:${key}` }), ['l', 'a']);
  });

  it("reads our renderer's cloud-config back into the docker run it would execute", () => {
    const userData = renderDeclaration(
      { spec: { containers: [{ name: 'web', image: 'app:1', env: [{ name: 'X', value: `it's 100% "$HOME"` }], args: ['sh', '-c', 'echo a b'] }], restartPolicy: 'OnFailure' } },
      'cloud-init',
    );
    const [unit, ...rest] = cloudConfigUnits(userData) ?? [];
    assert.equal(rest.length, 0);
    assert.equal(unit?.name, 'cosvm-web.service');
    assert.equal(unit?.restart, 'on-failure');
    assert.deepEqual(unit?.execStart, ['/usr/bin/docker', 'run', '--rm', '--name', 'web', '--network', 'host', '--env', `X=it's 100% "$HOME"`, 'app:1', 'sh', '-c', 'echo a b']);
    assert.deepEqual(splitSystemdCommand('a "b c" d\\x41 "%%" $$X'), ['a', 'b c', 'dA', '%', '$X']);
    assert.equal(cloudConfigUnits('#!/bin/bash\necho hi\n'), undefined);
  });

  it('renames, labels and re-roots a docker run for the shared engine, leaving the container command alone', () => {
    const run = rewriteRunArgs(['run', '--rm', '--name', 'web', '-v', '/var/lib/x:/data:ro', '-v', '/var/run/docker.sock:/var/run/docker.sock', 'img', '--name', 'arg'], {
      instance: 'p/z/vm',
      name: (name) => `vm--${name ?? ''}`,
      rootDir: '/r',
      dockerSocket: '/t/docker.sock',
    });
    assert.deepEqual(run.args, ['run', '--name', 'vm--web', '--label', 'cosvm.emulator.instance=p/z/vm', '--rm', '-v', '/r/var/lib/x:/data:ro', '-v', '/t/docker.sock:/var/run/docker.sock', 'img', '--name', 'arg']);
    assert.equal(run.image, 'img');
    assert.deepEqual(run.bindSources, ['/r/var/lib/x']);
  });
});
