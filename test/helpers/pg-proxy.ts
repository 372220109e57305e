// A TCP proxy in front of Postgres that a test can freeze (connections accepted, nothing
// forwarded either way: a database that stops answering without closing anything) or stop (the
// port closed: a database that is down), and then bring back on the same port.
import net from 'node:net';

/** The proxy's controls; `url` is a Postgres URL through it. */
export interface PgProxy {
  readonly port: number;
  /** Accepts connections but forwards nothing, in either direction, until `thaw`. */
  freeze(): void;
  thaw(): void;
  /** Closes the port and every connection through it. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy to `target` (host:port) on a free loopback port. */
export async function startPgProxy(target: { host: string; port: number }): Promise<PgProxy> {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const onClient = (client: net.Socket) => {
    track(client);
    // A frozen database still completes the TCP handshake, and then never says anything.
    if (frozen) return;
    const server = net.connect(target.port, target.host);
    track(server);
    client.on('data', (chunk: Buffer) => void (frozen || server.write(chunk)));
    server.on('data', (chunk: Buffer) => void (frozen || client.write(chunk)));
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  };
  let listener = net.createServer(onClient);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, '127.0.0.1', () =>
        resolve((listener.address() as net.AddressInfo).port),
      );
    });
  const port = await listen(0);
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  };
  return {
    port,
    freeze: () => void (frozen = true),
    thaw: () => void (frozen = false),
    stop,
    async start() {
      listener = net.createServer(onClient);
      await listen(port);
    },
    close: () => (listener.listening ? stop() : Promise.resolve()),
  };
}
