import * as net from 'node:net';

/** A TCP relay to sshd that the test can cut, like a dropped network path. */
export async function cuttableRelay(host: string, port: number): Promise<{ port: number; cut(): number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      const n = sockets.size;
      for (const s of sockets) s.destroy();
      return n;
    },
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
