import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import * as encoding from 'lib0/encoding';
import { expect } from 'vitest';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import { MESSAGE_SYNC } from '@pairwise/protocol';
import { awarenessFrame as awarenessMessage, awarenessUpdate } from '../../src/sync/room.testkit.js';
import type { TestServer } from './test-server.js';
import { within } from './within.js';

/**
 * Raw WebSocket peers for hostile-input tests: a `ws` client that sends whatever bytes it is given,
 * a hand-made `net` WebSocket that stops reading, and the y-protocols frames they send.
 * Call `closeRawSockets()` after each test.
 */

export interface Closed {
  code: number;
  reason: string;
}

/** A raw `ws` client that records its close and never crashes the test on a socket error. */
export interface RawClient {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
}

const raws: WebSocket[] = [];
const netSockets: Socket[] = [];

export function rawClient(url: string, options: WebSocket.ClientOptions = {}): RawClient {
  const ws = new WebSocket(url, options);
  raws.push(ws);
  ws.on('error', () => {});
  const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
  const closed = new Promise<Closed>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return { ws, opened, closed };
}

export const closeOf = (raw: RawClient, label: string): Promise<Closed> => within(raw.closed, 10_000, `${label}: socket close`);

export function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}
export const updateFrame = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeUpdate(e, update);
  });
export const awarenessFrame = (entries: readonly [clientId: number, clock: number, state: unknown][]): Uint8Array =>
  awarenessMessage(awarenessUpdate(entries));

/** A WebSocket opened by hand on a plain TCP socket that, after the handshake, never reads again. */
export async function stalledSocket(s: Pick<TestServer, 'url'>, roomId: string): Promise<Socket> {
  const { port } = new URL(s.url);
  const socket = connect(Number(port), '127.0.0.1');
  netSockets.push(socket);
  socket.on('error', () => {});
  await within(new Promise<void>((resolve) => socket.once('connect', () => resolve())), 5_000, 'tcp connect');
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET /ws/${roomId} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const head = await within(
    new Promise<string>((resolve) => {
      let received = '';
      const onData = (chunk: Buffer): void => {
        received += chunk.toString('latin1');
        if (!received.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        socket.pause(); // from here on nothing is read: the kernel buffers fill and stay full
        resolve(received);
      };
      socket.on('data', onData);
    }),
    5_000,
    'websocket handshake',
  );
  expect(head.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols');
  return socket;
}

/** Ends every raw socket the current test opened. */
export function closeRawSockets(): void {
  for (const ws of raws.splice(0)) ws.terminate();
  for (const socket of netSockets.splice(0)) socket.destroy();
}
