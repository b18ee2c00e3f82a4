/**
 * A `-L`-style local port forward to a VM. The listener, the counts and the drop semantics are here; how each
 * accepted socket reaches the VM is the transport's: a `direct-tcpip` channel over the shared ssh2 connection
 * (`ssh2Transport`), or the socket itself handed to an OpenSSH master (openSsh.ts). The connection is asked for per
 * socket, so after a drop the next socket reconnects, while sockets that were open on the dropped connection
 * are reset.
 */
import * as net from 'node:net';
import type { Client, ClientChannel } from 'ssh2';
import { SshError } from '../errors';

export interface TunnelSpec {
  localPort: number;
  remotePort: number;
  /** As seen from the VM; default `127.0.0.1`. */
  remoteHost?: string;
  /** Where we listen; default `127.0.0.1` (loopback only, as `ssh -L` does by default). */
  localHost?: string;
}

export interface TunnelStats {
  activeConnections: number;
  totalConnections: number;
  /** Bytes delivered to local clients (from the VM); undefined when the transport carries the bytes itself. */
  bytesIn: number | undefined;
  /** Bytes sent by local clients (to the VM); undefined as `bytesIn`. */
  bytesOut: number | undefined;
  failedConnections: number;
}

export type TunnelEvent = { kind: 'connection-failed'; error: unknown } | { kind: 'reconnected' } | { kind: 'closed' };

export interface TunnelOptions {
  onEvent?: (event: TunnelEvent) => void;
}

/** What carries sockets: it says when it is gone, so the sockets it carried are reset. */
export interface TunnelConnection {
  once(event: 'close', listener: () => void): unknown;
}

/** How a tunnel carries each accepted socket to the VM. */
export interface TunnelTransport<C extends TunnelConnection = TunnelConnection> {
  /** Sockets go to another process unread: they are accepted paused, and their bytes are not ours to count. */
  readonly handsOffSockets: boolean;
  /** The connection for the next socket, (re)connecting when needed. */
  connection(signal: AbortSignal): Promise<C>;
  /**
   * Carries `socket` to `remoteHost:remotePort`. Resolves when that forwarded connection is over (the socket is
   * then closed), rejects when it could not open. `signal` aborts when the tunnel closes the socket.
   */
  carry(connection: C, socket: net.Socket, remoteHost: string, remotePort: number, signal: AbortSignal): Promise<void>;
}

export class Tunnel {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /** The sockets each connection carries, to reset them when it drops. */
  private readonly carried = new WeakMap<TunnelConnection, Set<net.Socket>>();
  private lastConnection: TunnelConnection | undefined;
  private boundPort = 0;
  private closing: Promise<void> | undefined;
  private totals = { totalConnections: 0, failedConnections: 0, bytesIn: 0, bytesOut: 0 };

  private constructor(
    readonly spec: TunnelSpec,
    private readonly transport: TunnelTransport,
    private readonly onEvent: (event: TunnelEvent) => void,
  ) {
    this.server = net.createServer({ pauseOnConnect: transport.handsOffSockets }, (socket) => this.accept(socket));
  }

  /** Listens on `spec.localHost:spec.localPort` (0 picks a free port, see `localPort`). */
  static async open<C extends TunnelConnection>(spec: TunnelSpec, transport: TunnelTransport<C>, options: TunnelOptions = {}): Promise<Tunnel> {
    const tunnel = new Tunnel(spec, transport, options.onEvent ?? (() => undefined));
    await tunnel.listen();
    return tunnel;
  }

  /** The bound local port (differs from `spec.localPort` when that was 0). */
  get localPort(): number {
    return this.boundPort;
  }

  stats(): TunnelStats {
    let { bytesIn, bytesOut } = this.totals;
    for (const socket of this.sockets) {
      bytesIn += socket.bytesWritten;
      bytesOut += socket.bytesRead;
    }
    const counted = !this.transport.handsOffSockets;
    return { ...this.totals, bytesIn: counted ? bytesIn : undefined, bytesOut: counted ? bytesOut : undefined, activeConnections: this.sockets.size };
  }

  /** Stops listening and ends every open connection; idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const closed = (emitter: net.Server | net.Socket) => new Promise<void>((resolve) => emitter.once('close', () => resolve()));
    this.closing = Promise.all([closed(this.server), ...[...this.sockets].map(closed)]).then(() => this.onEvent({ kind: 'closed' }));
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    return this.closing;
  }

  private listen(): Promise<void> {
    const host = this.spec.localHost ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        const where = `${host}:${this.spec.localPort}`;
        if (error.code === 'EADDRINUSE') {
          reject(new SshError('ssh/port-in-use', `Local port ${where} is already in use by another program: pick another local port, or stop what listens there.`, { cause: error }));
        } else {
          reject(new SshError('ssh/connect-failed', `Cannot listen on ${where} (${error.code ?? error.message}): pick another local port or address.`, { cause: error }));
        }
      };
      this.server.once('error', onError);
      this.server.listen(this.spec.localPort, host, () => {
        this.server.off('error', onError);
        // Accept errors (EMFILE…) must not crash the host; the affected socket simply never arrives.
        this.server.on('error', () => undefined);
        this.boundPort = (this.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.totals.totalConnections++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    // A local client that resets is ordinary; 'close' follows and does the cleanup.
    socket.on('error', () => undefined);
    const gaveUp = new AbortController();
    socket.once('close', () => {
      gaveUp.abort();
      this.sockets.delete(socket);
      this.totals.bytesIn += socket.bytesWritten;
      this.totals.bytesOut += socket.bytesRead;
    });
    // Until it is carried, the socket buffers (or, handed off, does not read) what the client sends.
    this.carry(socket, gaveUp.signal).catch((error: unknown) => {
      if (socket.destroyed) return; // the client left first, or its connection dropped: not a failed forward
      this.totals.failedConnections++;
      socket.destroy();
      this.onEvent({ kind: 'connection-failed', error });
    });
  }

  private async carry(socket: net.Socket, signal: AbortSignal): Promise<void> {
    const connection = await this.transport.connection(signal);
    if (socket.destroyed) return;
    this.carriedBy(connection).add(socket);
    socket.once('close', () => this.carried.get(connection)?.delete(socket));
    await this.transport.carry(connection, socket, this.spec.remoteHost ?? '127.0.0.1', this.spec.remotePort, signal);
  }

  private carriedBy(connection: TunnelConnection): Set<net.Socket> {
    let sockets = this.carried.get(connection);
    if (sockets) return sockets;
    sockets = new Set();
    this.carried.set(connection, sockets);
    if (this.lastConnection && this.lastConnection !== connection) this.onEvent({ kind: 'reconnected' });
    this.lastConnection = connection;
    // A dropped connection must not hand the local client a silently truncated stream (ssh2 ends its channels
    // as if the VM had sent EOF; an OpenSSH master's exit closes the sockets it held): a reset says what happened.
    const dropped = sockets;
    connection.once('close', () => {
      for (const socket of dropped) socket.resetAndDestroy();
      dropped.clear();
    });
    return sockets;
  }
}

/** Each socket a `direct-tcpip` channel (`forwardOut`) over the shared ssh2 connection `getClient` returns. */
export function ssh2Transport(getClient: (signal: AbortSignal) => Promise<Client>): TunnelTransport<Client> {
  return {
    handsOffSockets: false,
    connection: getClient,
    async carry(client, socket, remoteHost, remotePort) {
      const channel = await forwardOut(client, socket, remoteHost, remotePort);
      channel.on('error', () => undefined); // 'close' follows
      if (socket.destroyed) {
        channel.close();
        return;
      }
      const over = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.once('close', () => channel.close());
      // EOF passes both ways; a channel that closes without EOF leaves no half-open socket behind.
      channel.once('close', () => (channel.readableEnded ? socket.end() : socket.destroy()));
      socket.pipe(channel);
      deliver(channel, socket);
      return over;
    },
  };
}

/** Up to this many bytes wait in a local socket before the channel pauses (and ssh2 stops granting window). */
const DELIVERY_BUFFER = 1024 * 1024;

/**
 * VM → local client. `channel.pipe(socket)` made one write syscall per 32 KiB SSH packet and paused the channel
 * after each one (a socket's 16 KiB highWaterMark); corking for one event-loop turn writes everything decrypted in
 * that turn with one writev: ~10–15 % less CPU per downloaded GiB (bench/README.md, tunnel).
 */
function deliver(channel: ClientChannel, socket: net.Socket): void {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  channel.on('data', (chunk: Buffer) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    // write() returns false past 16 KiB; 'drain' then follows once the socket has written everything.
    if (!socket.write(chunk) && socket.writableLength >= DELIVERY_BUFFER) channel.pause();
  });
  socket.on('drain', () => channel.resume());
  channel.once('end', () => socket.end()); // end() uncorks first
}

function forwardOut(client: Client, socket: net.Socket, remoteHost: string, remotePort: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.forwardOut(socket.remoteAddress ?? '127.0.0.1', socket.remotePort ?? 0, remoteHost, remotePort, (error, channel) => {
        if (!error) resolve(channel);
        // Reason 2 is "connect failed": nothing listens there on the VM.
        else if ((error as Error & { reason?: number }).reason === 2) reject(new SshError('ssh/port-closed', `Nothing listens on ${remoteHost}:${remotePort} on the VM.`, { cause: error }));
        else reject(new SshError('ssh/command-failed', `The VM refused the forward to ${remoteHost}:${remotePort}: ${error.message}`, { cause: error }));
      });
    } catch (error) {
      // "Not connected": the connection dropped between getClient() and here.
      reject(new SshError('ssh/disconnected', `The SSH connection dropped before the forward to ${remoteHost}:${remotePort} could open.`, { cause: error }));
    }
  });
}

/** True when nothing listens on host:port (found by trying to bind it). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
