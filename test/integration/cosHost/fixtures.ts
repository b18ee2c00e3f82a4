/** Shared pieces of the COS host tests: hand-made instances, a recording VmIo, a busybox image, SSH helpers. */
import { copyFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Client } from 'ssh2';
import { buildImage, connectDocker } from '../../../src/core/docker/engine';
import { journalctlCommand } from '../../../src/core/logs/journalctl';
import { JournalExportParser, type JournalEntry } from '../../../src/core/logs/journalExport';
import { connectSsh, runCommand } from '../../../src/core/ssh/connection';
import { hostKeyFingerprint } from '../../../src/core/ssh/hostKey';
import type { EmulatedInstance, VmIo } from '../../emulator/vmHost';
import { freePort, waitFor } from '../../support/processes';
import { tempDir } from '../../support/tempDir';
import { services } from '../hooks';

export class RecordingIo implements VmIo {
  serial = '';
  readonly attributes = new Map<string, string>();

  appendSerial(text: string): void {
    this.serial += text;
  }

  setGuestAttribute(namespace: string, key: string, value: string): void {
    this.attributes.set(`${namespace}/${key}`, value);
  }

  clearGuestAttributes(): void {
    this.attributes.clear();
  }

  /** `SHA256:…` of the ed25519 host key this instance published. */
  hostKeyFingerprint(): string {
    const blob = this.attributes.get('hostkeys/ssh-ed25519');
    if (!blob) throw new Error('no hostkeys/ssh-ed25519 guest attribute');
    return hostKeyFingerprint(Buffer.from(blob, 'base64'));
  }
}

let nextId = 1000;

export function makeInstance(name: string, natIP: string, items: Record<string, string>, projectItems: Record<string, string> = {}): EmulatedInstance {
  const toItems = (record: Record<string, string>) => Object.entries(record).map(([key, value]) => ({ key, value }));
  nextId += 1;
  return {
    project: 'cosvm-test',
    zone: 'europe-west1-b',
    name,
    id: String(4_000_000_000_000 + nextId),
    status: 'RUNNING',
    natIP,
    metadata: { fingerprint: 'f1', items: toItems(items) },
    projectMetadata: { fingerprint: 'p1', items: toItems(projectItems) },
    labels: {},
  };
}

import type { UserKey } from '../../support/userKey';

export { userKey, type UserKey } from '../../support/userKey';

/** 22 where it can be bound on this address (as root, on 127.0.77.x it normally can), else a free port. */
export async function sshPortFor(address: string): Promise<number> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(22, address, () => server.close(() => resolve(true)));
  });
  return free ? 22 : freePort(address);
}

/** A `FROM scratch` busybox image on the test engine (nothing to pull). */
export async function buildBusyboxImage(tag: string): Promise<void> {
  const dir = tempDir('cosvm-cos-img-');
  copyFileSync('/bin/busybox', path.join(dir, 'busybox'));
  writeFileSync(path.join(dir, 'Dockerfile'), ['FROM scratch', 'COPY busybox /bin/busybox', 'ENTRYPOINT ["/bin/busybox"]', 'CMD ["sh"]', ''].join('\n'));
  const docker = await connectDocker({ host: services().docker.host });
  await buildImage(docker, { contextDir: dir, tag });
}

export interface SshTo {
  instance: EmulatedInstance;
  io: RecordingIo;
  port: number;
  user: string;
  key: UserKey;
}

export function ssh(to: SshTo): Promise<Client> {
  return connectSsh({ host: to.instance.natIP, port: to.port, username: to.user, privateKey: to.key.privateKey, trustedHostKeys: [to.io.hostKeyFingerprint()], readyTimeoutMs: 10_000 });
}

/** `journalctl -u UNIT -o export` on the instance (its own journalctl: no -D), parsed. */
export async function remoteJournal(client: Client, unit: string): Promise<JournalEntry[]> {
  const result = await runCommand(client, journalctlCommand({ unit }));
  if (result.exitCode !== 0) throw new Error(`journalctl failed (${result.exitCode}): ${result.stderr}`);
  const parser = new JournalExportParser();
  return [...parser.push(Buffer.from(result.stdout)), ...parser.end()];
}

export async function waitForJournal(client: Client, unit: string, what: string, check: (entries: JournalEntry[]) => boolean, timeoutMs = 30_000): Promise<JournalEntry[]> {
  let entries: JournalEntry[] = [];
  await waitFor(
    what,
    async () => check((entries = await remoteJournal(client, unit))),
    timeoutMs,
    () => entries.map((entry) => entry.message).join('\n'),
  );
  return entries;
}
