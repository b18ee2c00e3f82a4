import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { isCosvmError } from '../../../src/core/errors';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { connectSsh, type SshTarget } from '../../../src/core/ssh/connection';
import { OpenSshMaster, openSshTransport, type OpenSshTarget } from '../../../src/core/ssh/openSsh';
import { SshSession, type SessionConnection } from '../../../src/core/ssh/session';
import { isPortFree, ssh2Transport, Tunnel, type TunnelEvent, type TunnelTransport } from '../../../src/core/ssh/tunnel';
import { freePort, ProcessGroup, run } from '../../support/processes';
import { startSshd, type SshdService } from '../../support/services';

/** A TCP server that sends `payload` to each client and then closes; `hold` keeps it open instead. */
async function payloadServer(payload: Buffer, { hold = false } = {}): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (hold) socket.write(payload);
    else socket.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Fetched {
  data: Buffer;
  /** How the connection ended: 'end' (clean EOF) or the socket error code. */
  outcome: string;
}

/** Connects to a local port and reads until the connection ends; rejects if it is still open after `timeoutMs`. */
function fetchFrom(port: number, { timeoutMs = 20_000, onData }: { timeoutMs?: number; onData?: (received: number) => void } = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let outcome = 'end';
    const socket = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection to ${port} still open after ${timeoutMs} ms (${received} bytes)`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      onData?.(received);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (outcome = error.code ?? error.message));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks), outcome });
    });
  });
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

for (const via of ['builtin', 'openssh'] as const)
describe(`SSH tunnel over ${via === 'builtin' ? 'ssh2' : 'OpenSSH'} (real sshd)`, function () {
  this.timeout(120_000);
  let group: ProcessGroup;
  let sshd: SshdService;
  let session: SshSession<SessionConnection>;
  let transport: TunnelTransport;
  const cleanups: (() => Promise<void> | void)[] = [];
  let masters = 0;

  /** What the extension passes an OpenSSH master: our key file, our known_hosts under an alias. */
  const openSshTarget = (knownHostsLine?: string): OpenSshTarget => {
    const knownHostsFile = path.join(group.runDir, `known_hosts-${masters}`);
    writeFileSync(knownHostsFile, `${knownHostsLine ?? `compute.4242 ${sshd.hostPublicKey}`}\n`);
    return { host: sshd.host, port: sshd.port, username: sshd.username, privateKeyPath: sshd.privateKeyPath, knownHostsFile, hostKeyAlias: 'compute.4242' };
  };
  const controlPath = () => path.join(group.runDir, `m${masters++}`);

  const target = (): SshTarget => ({
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.privateKey,
    trustedHostKeys: [sshd.hostKeyFingerprint],
    keepaliveIntervalMs: 1_000,
    readyTimeoutMs: 5_000,
  });

  before(async () => {
    // An sshd of our own: the restart test must not pull the shared one from under other tests.
    group = new ProcessGroup('cosvm-tunnel-');
    sshd = await startSshd(group, 'tunnel-sshd');
  });

  beforeEach(() => {
    const backoff = { initialMs: 100, maxMs: 1_000, giveUpMs: 30_000 };
    if (via === 'builtin') {
      const ssh2Session = new SshSession({ open: (signal) => connectSsh(target(), signal), backoff });
      session = ssh2Session;
      transport = ssh2Transport((signal) => ssh2Session.client(signal));
    } else {
      const masterSession = new SshSession({ open: (signal) => OpenSshMaster.start(openSshTarget(), { controlPath: controlPath(), signal }), backoff });
      session = masterSession;
      transport = openSshTransport((signal) => masterSession.client(signal));
    }
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    session.dispose();
  });

  after(async () => {
    await group.stopAll();
    await group.removeRunDir();
  });

  async function openTunnel(remotePort: number, events: TunnelEvent[] = []): Promise<Tunnel> {
    const tunnel = await Tunnel.open({ localPort: 0, remotePort }, transport, { onEvent: (event) => events.push(event) });
    cleanups.push(() => tunnel.close());
    return tunnel;
  }

  it('carries several tunnels at once, each byte-identical to its own server', async () => {
    const payloads = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024)];
    const servers = await Promise.all(payloads.map((payload) => payloadServer(payload)));
    for (const server of servers) cleanups.push(() => server.close());
    const tunnels = await Promise.all(servers.map((server) => openTunnel(server.port)));
    assert.equal(new Set(tunnels.map((t) => t.localPort)).size, 3);
    // Two concurrent fetches per tunnel, all six over the one shared connection.
    const fetched = await Promise.all(tunnels.flatMap((tunnel) => [fetchFrom(tunnel.localPort), fetchFrom(tunnel.localPort)]));
    fetched.forEach((result, i) => {
      assert.equal(result.outcome, 'end');
      assert.equal(sha(result.data), sha(payloads[Math.floor(i / 2)] ?? Buffer.alloc(0)), `fetch ${i}`);
    });
    tunnels.forEach((tunnel) => {
      const stats = tunnel.stats();
      assert.equal(stats.totalConnections, 2);
      assert.equal(stats.failedConnections, 0);
      // OpenSSH moves the bytes itself; ours counts what passes through it.
      assert.equal(stats.bytesIn, via === 'builtin' ? 2 * 5 * 1024 * 1024 : undefined);
    });
  });

  it('after sshd restarts, fails the in-flight connection cleanly and serves new ones through the same tunnel', async () => {
    const payload = randomBytes(1024 * 1024);
    const server = await payloadServer(payload);
    const holding = await payloadServer(randomBytes(64 * 1024), { hold: true });
    cleanups.push(() => server.close(), () => holding.close());
    const events: TunnelEvent[] = [];
    const tunnel = await openTunnel(server.port, events);
    const heldTunnel = await openTunnel(holding.port, events);

    assert.equal(sha((await fetchFrom(tunnel.localPort)).data), sha(payload));
    // A connection that stays open (its server never closes) while sshd goes away.
    let held = 0;
    const inFlight = fetchFrom(heldTunnel.localPort, { onData: (n) => (held = n) });
    while (held < 64 * 1024) await new Promise((resolve) => setTimeout(resolve, 20));

    await sshd.restart();
    const ended = await inFlight;
    assert.equal(ended.outcome, 'ECONNRESET', 'a dropped connection reaches the local client as a reset, not as a clean end');

    const after = await fetchFrom(tunnel.localPort);
    assert.equal(after.outcome, 'end');
    assert.equal(sha(after.data), sha(payload));
    assert.ok(events.some((e) => e.kind === 'reconnected'), JSON.stringify(events));
    assert.equal(tunnel.stats().totalConnections, 2);
  });

  it('makes the local client see a clean close, never a hang, when the forward cannot open', async () => {
    const closed = await payloadServer(Buffer.alloc(0));
    const deadPort = closed.port;
    await closed.close();
    const events: TunnelEvent[] = [];
    const tunnel = await openTunnel(deadPort, events);
    const result = await fetchFrom(tunnel.localPort, { timeoutMs: 10_000 });
    assert.equal(result.data.length, 0);
    assert.equal(tunnel.stats().failedConnections, 1);
    const failure = events.find((e) => e.kind === 'connection-failed');
    assert.ok(failure && isCosvmError(failure.error) && failure.error.code === 'ssh/port-closed', JSON.stringify(events));
  });

  it('refuses a local port in use with ssh/port-in-use, and isPortFree tells both cases apart', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    assert.equal(await isPortFree(busy), false);
    await assert.rejects(Tunnel.open({ localPort: busy, remotePort: 22 }, transport), (error: unknown) => {
      assert.ok(isCosvmError(error));
      assert.equal(error.code, 'ssh/port-in-use');
      assert.ok(error.userMessage.includes(`127.0.0.1:${busy}`), error.userMessage);
      return true;
    });
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    assert.equal(await isPortFree(busy), true);
  });

  it('close() ends open connections and frees the port', async () => {
    const holding = await payloadServer(randomBytes(1024), { hold: true });
    cleanups.push(() => holding.close());
    const events: TunnelEvent[] = [];
    const tunnel = await openTunnel(holding.port, events);
    let got = 0;
    const open = fetchFrom(tunnel.localPort, { onData: (n) => (got = n) });
    while (got < 1024) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(tunnel.stats().activeConnections, 1);
    assert.equal(await isPortFree(tunnel.localPort), false);

    await tunnel.close();
    const ended = await open;
    assert.equal(ended.data.length, 1024);
    assert.equal(tunnel.stats().activeConnections, 0);
    assert.equal(await isPortFree(tunnel.localPort), true);
    assert.deepEqual(events.map((e) => e.kind), ['closed']);
  });
});

describe('OpenSSH master: trust and refusals (real sshd)', function () {
  this.timeout(60_000);
  let group: ProcessGroup;
  let sshd: SshdService;

  before(async () => {
    group = new ProcessGroup('cosvm-openssh-');
    sshd = await startSshd(group, 'openssh-sshd');
  });

  after(async () => {
    await group.stopAll();
    await group.removeRunDir();
  });

  /** A fresh ed25519 key pair in the run dir: [private key path, public key line]. */
  async function otherKey(name: string): Promise<[string, string]> {
    const file = path.join(group.runDir, name);
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
    return [file, (await readFile(`${file}.pub`, 'utf8')).trim()];
  }

  function target(overrides: Partial<OpenSshTarget>, knownHostsLine = `compute.7 ${sshd.hostPublicKey}`): OpenSshTarget {
    const knownHostsFile = path.join(group.runDir, `known_hosts-${randomBytes(4).toString('hex')}`);
    writeFileSync(knownHostsFile, `${knownHostsLine}\n`);
    return { host: sshd.host, port: sshd.port, username: sshd.username, privateKeyPath: sshd.privateKeyPath, knownHostsFile, hostKeyAlias: 'compute.7', ...overrides };
  }

  const controlPath = () => path.join(group.runDir, `c${randomBytes(4).toString('hex')}`);

  it('connects with the VM key under its alias, and ends cleanly (control socket gone)', async () => {
    const master = await OpenSshMaster.start(target({}), { controlPath: controlPath() });
    assert.equal(await master.isAlive(), true);
    const closed = new Promise<void>((resolve) => master.on('close', resolve));
    master.end();
    await closed;
    assert.equal(await master.isAlive(), false);
  });

  it('reads a known_hosts file whose path has spaces (macOS: "Application Support")', async () => {
    const dir = path.join(group.runDir, 'Application Support', 'cosvm');
    mkdirSync(dir, { recursive: true });
    const knownHostsFile = path.join(dir, 'known_hosts');
    writeFileSync(knownHostsFile, `compute.7 ${sshd.hostPublicKey}\n`);
    const master = await OpenSshMaster.start(target({ knownHostsFile }), { controlPath: controlPath() });
    assert.equal(await master.isAlive(), true);
    master.end();
  });

  it('refuses a VM whose host key is not the one we trust, naming the key it presented', async () => {
    const [, otherPublic] = await otherKey('other-host');
    await assert.rejects(OpenSshMaster.start(target({}, `compute.7 ${otherPublic}`), { controlPath: controlPath() }), (error: unknown) => {
      assert.ok(isCosvmError(error), String(error));
      assert.equal(error.code, 'ssh/host-key-mismatch');
      assert.ok(error.userMessage.includes(sshd.hostKeyFingerprint), error.userMessage);
      return true;
    });
  });

  it('refuses a VM we have no key for without asking (BatchMode, StrictHostKeyChecking)', async () => {
    await assert.rejects(OpenSshMaster.start(target({ hostKeyAlias: 'compute.8' }), { controlPath: controlPath() }), (error: unknown) => {
      assert.ok(isCosvmError(error) && error.code === 'ssh/host-key-mismatch', String(error));
      return true;
    });
  });

  it('says ssh/auth-failed when the VM refuses our key', async () => {
    const [otherPrivate] = await otherKey('other-client');
    await assert.rejects(OpenSshMaster.start(target({ privateKeyPath: otherPrivate }), { controlPath: controlPath() }), (error: unknown) => {
      assert.ok(isCosvmError(error) && error.code === 'ssh/auth-failed', String(error));
      return true;
    });
  });

  it('says ssh/port-closed when nothing listens on the SSH port', async () => {
    const port = await freePort(sshd.host);
    await assert.rejects(OpenSshMaster.start(target({ port }), { controlPath: controlPath() }), (error: unknown) => {
      assert.ok(isCosvmError(error) && error.code === 'ssh/port-closed', String(error));
      return true;
    });
  });
});
