import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { clientFrame, clientFrames } from './client-frames.js';
import { waitUntil } from './wait.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) cleanup();
});

/** A `ws` server (what every server under test is built on) and a raw client socket to it. */
async function connect(): Promise<{ socket: NodeJS.WritableStream; received: Buffer[]; closes: number[] }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  const received: Buffer[] = [];
  const closes: number[] = [];
  server.on('connection', (ws) => {
    ws.on('message', (data: Buffer, isBinary: boolean) => received.push(isBinary ? data : Buffer.from('text')));
    ws.on('close', (code) => closes.push(code));
  });
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  // 'open' follows 'upgrade' in the same turn: wait for both together.
  const upgraded = once(client, 'upgrade') as Promise<[{ socket: NodeJS.WritableStream }]>;
  await once(client, 'open');
  const [response] = await upgraded;
  cleanups.push(() => {
    client.terminate();
    server.close();
  });
  return { socket: response.socket, received, closes };
}

const bytes = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

it('frames every payload length class so a ws server reads them back intact, in order', async () => {
  const { socket, received, closes } = await connect();
  // 7-bit, 16-bit and 64-bit length fields, and the edges between them.
  const payloads = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000].map((length, i) => bytes(length, i));
  socket.write(clientFrame(payloads[0] ?? new Uint8Array()));
  socket.write(clientFrames(payloads.slice(1)));
  await waitUntil(() => received.length === payloads.length, 'every frame to arrive', 5_000);
  expect(received.map((data) => data.byteLength)).toEqual(payloads.map((p) => p.byteLength));
  for (const [i, data] of received.entries()) expect(data.equals(payloads[i] ?? new Uint8Array()), `payload ${i}`).toBe(true);
  // A malformed frame (unmasked, say) makes ws close the connection with 1002: none did.
  expect(closes).toEqual([]);
});
