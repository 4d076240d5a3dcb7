import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { clientFrame } from './client-frames.js';
import { RawWebSocket } from './raw-websocket.js';
import { waitUntil } from './wait.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) cleanup();
});

interface Client {
  ws: RawWebSocket;
  messages: Buffer[];
  closes: number[];
}

function client(url: string): Client {
  const messages: Buffer[] = [];
  const closes: number[] = [];
  const ws = new RawWebSocket(url, {
    open: () => {},
    message: (data) => messages.push(Buffer.from(data)),
    close: (code) => closes.push(code),
  });
  cleanups.push(() => ws.terminate());
  return { ws, messages, closes };
}

async function wsServer(): Promise<{ url: string; connection: Promise<WebSocket> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  cleanups.push(() => server.close());
  const connection = once(server, 'connection').then(([ws]) => ws as WebSocket);
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/room?x=1`, connection };
}

const bytes = (length: number, seed: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff));

it('opens against a ws server, reads its binary messages of every size whole, and skips text', async () => {
  const { url, connection } = await wsServer();
  const { ws, messages } = client(url);
  const server = await connection;
  await waitUntil(() => ws.state === 'open', 'the client to open', 5_000);
  const sent = [0, 1, 125, 126, 65_535, 65_536, 1_300_000].map((length, i) => bytes(length, i));
  for (const [i, data] of sent.entries()) {
    server.send(data);
    if (i === 2) server.send('text is not for this client');
  }
  await waitUntil(() => messages.length >= sent.length, 'every message', 5_000);
  expect(messages.map((m) => m.length)).toEqual(sent.map((s) => s.length));
  for (const [i, m] of messages.entries()) expect(m.equals(sent[i] ?? Buffer.alloc(0)), `message ${i}`).toBe(true);
});

it("answers the server's ping and completes its closing handshake with the server's code", async () => {
  const { url, connection } = await wsServer();
  const { ws, closes } = client(url);
  const server = await connection;
  await waitUntil(() => ws.state === 'open', 'the client to open', 5_000);
  const pong = once(server, 'pong');
  server.ping(Buffer.from('are you there'));
  expect(String((await pong)[0])).toBe('are you there');

  const closed = once(server, 'close');
  server.close(4_004, 'room not found');
  // ws reports the code the client echoed: a client that never answered would leave it at 1006.
  expect((await closed)[0]).toBe(4_004);
  expect(closes).toEqual([4_004]);
  expect(ws.state).toBe('closed');
});

/** A server that answers the upgrade by hand, then writes `stream` one byte per write. */
async function byteByByteServer(stream: Buffer, accept = (key: string) => acceptFor(key)): Promise<string> {
  const server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    socket.once('data', async (request: Buffer) => {
      const key = /sec-websocket-key: *(\S+)/i.exec(String(request))?.[1] ?? '';
      const answer = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(key)}\r\n\r\n`;
      for (const byte of Buffer.concat([Buffer.from(answer), stream])) {
        socket.write(Buffer.from([byte]));
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => server.close());
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function acceptFor(key: string): string {
  return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}

/** An unmasked server frame. */
function serverFrame(fin: boolean, opcode: number, payload: Buffer): Buffer {
  const head = payload.length < 126 ? [payload.length] : [126, payload.length >> 8, payload.length & 0xff];
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, ...head]), payload]);
}

it('reads a handshake and frames that arrive a byte at a time, fragmented messages included', async () => {
  const url = await byteByByteServer(
    Buffer.concat([
      serverFrame(true, 0x2, bytes(3, 1)),
      serverFrame(false, 0x2, bytes(200, 2)),
      serverFrame(false, 0x0, bytes(5, 3)),
      serverFrame(true, 0x0, bytes(1, 4)),
      serverFrame(true, 0x2, bytes(130, 5)),
    ]),
  );
  const { messages } = client(url);
  await waitUntil(() => messages.length === 3, 'three messages', 10_000);
  expect(messages[0]?.equals(bytes(3, 1))).toBe(true);
  expect(messages[1]?.equals(Buffer.concat([bytes(200, 2), bytes(5, 3), bytes(1, 4)]))).toBe(true);
  expect(messages[2]?.equals(bytes(130, 5))).toBe(true);
});

it('never opens when the server does not prove it read the key', async () => {
  const url = await byteByByteServer(serverFrame(true, 0x2, bytes(3, 1)), () => acceptFor('another key'));
  const { ws, messages, closes } = client(url);
  await waitUntil(() => ws.state === 'closed', 'the client to give up', 10_000);
  expect(closes).toEqual([1006]);
  expect(messages).toEqual([]);
});

it('sends nothing once closed, and frames it writes reach the server whole', async () => {
  const { url, connection } = await wsServer();
  const { ws } = client(url);
  const server = await connection;
  const received: Buffer[] = [];
  server.on('message', (data: Buffer) => received.push(data));
  await waitUntil(() => ws.state === 'open', 'the client to open', 5_000);
  ws.cork();
  ws.write(clientFrame(bytes(10, 1)));
  ws.write(clientFrame(bytes(70_000, 2)));
  ws.uncork();
  await waitUntil(() => received.length === 2, 'both frames', 5_000);
  ws.terminate();
  ws.write(clientFrame(bytes(10, 3)));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(received.map((r) => r.length)).toEqual([10, 70_000]);
});
