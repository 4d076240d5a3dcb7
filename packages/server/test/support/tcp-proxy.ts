/**
 * A loopback TCP proxy that a test can pause: both directions stop being read, as in a network
 * partition or a long process pause, and resume where they were. Used to make a Redis client fall
 * behind without touching the client's code. It can also be pointed at another target, as a load
 * balancer sends new connections elsewhere once a backend died.
 */
import { type Socket, createConnection, createServer } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  pause(): void;
  resume(): void;
  /** Connections made from now on go to `port`; open ones stay where they are. */
  retarget(port: number): void;
  /** The local ports of the open connections to the target, as the target sees them (e.g. Redis' CLIENT LIST `addr`). */
  upstreamPorts(): number[];
  /** Closes the connection that reaches the target from `upstreamPort`, with whatever either side had sent that was not passed on yet. */
  drop(upstreamPort: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  /** Each connection to the target, with the client connection it serves. */
  const upstreams = new Map<Socket, Socket>();
  let paused = false;
  let target = targetPort;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (paused) socket.pause();
  };
  const server = createServer((client) => {
    const upstream = createConnection(target, targetHost);
    upstreams.set(upstream, client);
    upstream.on('close', () => upstreams.delete(upstream));
    client.pipe(upstream);
    upstream.pipe(client);
    // After piping, which sets both flowing: a connection made during a pause must not flow either.
    track(client);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    pause: () => {
      paused = true;
      for (const socket of sockets) socket.pause();
    },
    resume: () => {
      paused = false;
      for (const socket of sockets) socket.resume();
    },
    retarget: (port) => {
      target = port;
    },
    upstreamPorts: () => [...upstreams.keys()].flatMap((upstream) => (upstream.localPort === undefined ? [] : [upstream.localPort])),
    drop: (upstreamPort) => {
      for (const [upstream, client] of upstreams) {
        if (upstream.localPort !== upstreamPort) continue;
        upstream.destroy();
        client.destroy();
      }
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
