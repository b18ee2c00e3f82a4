/**
 * The instance's OpenSSH sshd, as root, inside its own mount, PID and UTS namespaces (`unshare`):
 *
 * - users: the guest agent creates an account for every user in `ssh-keys`. Here a per-instance copy of
 *   /etc/passwd (the machine's entries, then one per `ssh-keys` user, all mapped to the uid/gid the tests
 *   run as, with a home under the instance directory) is bind-mounted over /etc/passwd, so
 *   `alice@natIP` logs in as an existing user without touching the machine's accounts;
 * - keys: `AuthorizedKeysCommand` prints the requesting user's keys from a per-instance file and drops
 *   expired ones at login time, so a metadata change needs no restart; `AuthorizedKeysFile none` keeps
 *   the mapped account's own ~/.ssh out of it;
 * - /etc/hosts names the instance, and `hostname` is the instance name;
 * - `journalctl` and `docker` are this instance's wrappers: bind-mounted over each copy in /usr/local/bin,
 *   /usr/bin… (so login shells, whose /etc/profile resets PATH, and sudo get them too) and first on
 *   `SetEnv PATH`;
 * - power-off: sshd is PID 1 of its namespace, so when it stops the kernel kills every session process
 *   left (shells, `journalctl -f`), as a real power-off would.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { shellQuote } from '../../../src/core/shell';
import { canConnect, run, type ProcessGroup } from '../../support/processes';
import type { AuthorizedKey } from './sshKeys';
import { sshdCommonConfig } from '../../support/services';

export interface HostKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`: the guest attribute key. */
  type: string;
  /** Base64 wire blob: the guest attribute value. */
  blob: string;
}

export interface SshdOptions {
  group: ProcessGroup;
  /** The instance directory (keys, config, homes). */
  dir: string;
  /** The instance's journal directory, read by its `journalctl`. */
  journalDir: string;
  dockerHost: string;
  /** `cosvm.emulator.instance=<project/zone/name>`: what the instance's `docker ps` shows. */
  instanceLabel: string;
  processName: string;
  hostname: string;
  /** `<zone>.c.<project>.internal` */
  domain: string;
}

const hostKeyTypes = [
  ['ed25519', []],
  ['ecdsa', ['-b', '256']],
] as const;

export class InstanceSshd {
  private child: ChildProcess | undefined;

  constructor(private readonly options: SshdOptions) {}

  private file(...parts: string[]): string {
    return path.join(this.options.dir, ...parts);
  }

  /** Host keys live with the instance, like on its boot disk: made once, kept across stop/start/reset. */
  async hostKeys(): Promise<HostKey[]> {
    mkdirSync(this.file('ssh'), { recursive: true });
    const keys: HostKey[] = [];
    for (const [type, extra] of hostKeyTypes) {
      const keyFile = this.file('ssh', `ssh_host_${type}_key`);
      if (!existsSync(keyFile)) await run('ssh-keygen', ['-q', '-t', type, ...extra, '-N', '', '-C', `root@${this.options.hostname}`, '-f', keyFile]);
      const [keyType, blob] = readFileSync(`${keyFile}.pub`, 'utf8').trim().split(/\s+/);
      if (keyType && blob) keys.push({ type: keyType, blob });
    }
    return keys;
  }

  /** Rewrites who may log in: the keys file (read at each login) and the account list. */
  writeKeys(keys: readonly AuthorizedKey[]): void {
    mkdirSync(this.file('ssh'), { recursive: true });
    // One `expiry<TAB>user<TAB>line` per key; expiry in epoch seconds, 0 = permanent.
    const rows = keys.map((key) => `${key.expiresAt === undefined ? 0 : Math.floor(key.expiresAt / 1000)}\t${key.user}\t${key.line.replace(/[\t\n]/g, ' ')}\n`);
    writeFileSync(this.file('ssh', 'keys.tsv'), rows.join(''), { mode: 0o600 });
    const machine = readFileSync('/etc/passwd', 'utf8').split('\n').filter((line) => line.trim() !== '');
    const existing = new Set(machine.map((line) => line.split(':')[0]));
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const added = [...new Set(keys.map((key) => key.user))].filter((user) => !existing.has(user));
    for (const user of added) mkdirSync(this.file('home', user), { recursive: true });
    const lines = [...machine, ...added.map((user) => `${user}:x:${uid}:${gid}:${user} (cosvm emulated):${this.file('home', user)}:/bin/bash`)];
    // Written in place: the bind mount inside sshd's namespace follows the inode, not the name.
    writeFileSync(this.file('ssh', 'passwd'), `${lines.join('\n')}\n`);
  }

  private writeConfig(address: string, port: number): void {
    const { journalDir, dockerHost, instanceLabel } = this.options;
    for (const sub of ['bin', 'real']) mkdirSync(this.file(sub), { recursive: true });
    for (const real of ['journalctl', 'docker']) writeFileSync(this.file('real', real), '');
    const wrapper = (body: string[]) => ['#!/bin/sh', `# ${this.options.hostname}: emulated COS instance (test/emulator/cosHost)`, ...body, ''].join('\n');
    writeFileSync(this.file('bin', 'journalctl'), wrapper([`exec ${shellQuote(this.file('real', 'journalctl'))} -D ${shellQuote(journalDir)} "$@"`]), { mode: 0o755 });
    const real = shellQuote(this.file('real', 'docker'));
    const label = shellQuote(instanceLabel);
    const filter = shellQuote(`label=${instanceLabel}`);
    writeFileSync(
      this.file('bin', 'docker'),
      wrapper([
        `export DOCKER_HOST=${shellQuote(dockerHost)}`,
        "# The engine is shared by every emulated instance: list only this one's containers, and mark the ones",
        '# started here as its own (so they show in `docker ps` and go away when the instance stops).',
        'case "$1" in',
        `  ps) shift; exec ${real} ps --filter ${filter} "$@" ;;`,
        `  run|create) verb=$1; shift; exec ${real} "$verb" --label ${label} "$@" ;;`,
        '  container)',
        '    case "$2" in',
        `      ls|list|ps) sub=$2; shift 2; exec ${real} container "$sub" --filter ${filter} "$@" ;;`,
        `      run|create) sub=$2; shift 2; exec ${real} container "$sub" --label ${label} "$@" ;;`,
        '    esac ;;',
        'esac',
        `exec ${real} "$@"`,
      ]),
      { mode: 0o755 },
    );
    // No systemd runs here, and a root shell would reach the test machine's own /etc: `sudo` refuses, so the
    // product's in-place update (sudo bash, systemctl) fails cleanly and it falls back to a reset, as on a VM
    // whose SSH user may not sudo.
    writeFileSync(
      this.file('bin', 'sudo'),
      wrapper(['echo "sudo: not permitted on this emulated COS host (it runs no systemd); reset the instance instead" >&2', 'exit 1']),
      { mode: 0o755 },
    );
    for (const name of ['journalctl', 'docker', 'sudo']) chmodSync(this.file('bin', name), 0o755);
    writeFileSync(
      this.file('ssh', 'authorized-keys.sh'),
      [
        '# AuthorizedKeysCommand: prints the keys of user $1 from the instance file $2, skipping expired ones.',
        'now=$(date +%s)',
        "while IFS='\t' read -r expiry user line; do",
        '  [ "$user" = "$1" ] || continue',
        '  [ "$expiry" = 0 ] || [ "$expiry" -gt "$now" ] || continue',
        "  printf '%s\\n' \"$line\"",
        'done < "$2"',
        '',
      ].join('\n'),
    );
    writeFileSync(
      this.file('ssh', 'launch.sh'),
      [
        '# Runs inside the new namespaces: the instance\'s accounts, tools and hostname, then sshd as PID 1.',
        'set -e',
        'dir=$1',
        'mount --bind "$dir/ssh/passwd" /etc/passwd',
        'mount --bind "$dir/ssh/hosts" /etc/hosts',
        '# Each wrapper runs the binary the machine would have run, and covers every copy on the standard PATH.',
        'for tool in journalctl docker sudo; do',
        '  if [ -f "$dir/real/$tool" ]; then mount --bind "$(command -v "$tool")" "$dir/real/$tool"; fi',
        '  for place in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin; do',
        '    if [ -f "$place/$tool" ] && [ ! -L "$place/$tool" ]; then mount --bind "$dir/bin/$tool" "$place/$tool"; fi',
        '  done',
        'done',
        'hostname "$2"',
        'exec /usr/sbin/sshd -D -e -f "$dir/ssh/sshd_config"',
        '',
      ].join('\n'),
    );
    const hostKeys = hostKeyTypes.map(([type]) => `HostKey ${this.file('ssh', `ssh_host_${type}_key`)}`);
    writeFileSync(
      this.file('ssh', 'sshd_config'),
      [
        `ListenAddress ${address}:${port}`,
        ...hostKeys,
        `PidFile ${this.file('ssh', 'sshd.pid')}`,
        'AuthorizedKeysFile none',
        // Only /bin/sh is checked for safe ownership; the script itself sits under /tmp.
        `AuthorizedKeysCommand /bin/sh ${this.file('ssh', 'authorized-keys.sh')} %u ${this.file('ssh', 'keys.tsv')}`,
        'AuthorizedKeysCommandUser root',
        ...sshdCommonConfig,
        `SetEnv PATH=${this.file('bin')}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
        '',
      ].join('\n'),
    );
  }

  async start(address: string, port: number): Promise<void> {
    if (this.child) return;
    this.writeConfig(address, port);
    // GCE's /etc/hosts names the instance (sudo, for one, wants to resolve the host name).
    const { hostname, domain } = this.options;
    writeFileSync(this.file('ssh', 'hosts'), `${readFileSync('/etc/hosts', 'utf8').trimEnd()}\n${address} ${hostname}.${domain} ${hostname}\n`);
    // OpenSSH's privilege separation directory must exist when sshd runs as root.
    mkdirSync('/run/sshd', { recursive: true });
    const started = this.options.group.spawn(this.options.processName, 'unshare', [
      '--mount',
      '--uts',
      '--pid',
      '--fork',
      '--mount-proc',
      '--propagation',
      'private',
      // If this process dies without stopping it, sshd goes too.
      '--kill-child=SIGTERM',
      '/bin/sh',
      this.file('ssh', 'launch.sh'),
      this.options.dir,
      this.options.hostname,
    ]);
    this.child = started.child;
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (started.child.exitCode !== null || started.child.signalCode !== null) {
        this.child = undefined;
        throw new Error(`sshd for ${this.options.hostname} exited at start:\n${this.options.group.logOf(this.options.processName)}`);
      }
      if (await canConnect(port, address)) return;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`sshd for ${this.options.hostname} did not listen on ${address}:${port}:\n${this.options.group.logOf(this.options.processName)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops sshd (PID 1 of the namespace, the only child of our `unshare`), which ends every session with it. */
  async stop(graceMs = 5_000): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // unshare blocks SIGTERM while it waits for its child, so the signal goes to sshd itself.
    for (const pid of childrenOf(child.pid)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
