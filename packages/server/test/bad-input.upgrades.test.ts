import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeBadInput, withOverrides } from './support/bad-input.js';
import { waitFor } from './support/clients.js';
import type { TestServer } from './support/test-server.js';
import { within } from './support/within.js';

/**
 * Bad input: WebSocket upgrades that never become a WebSocket. The server takes a lease on the room
 * before the handshake; every way out of the upgrade must give it back, or the room stays in
 * memory for good (regression: a handshake refused by `ws`, or a socket gone while the room
 * loaded, never released its lease).
 */

/** startTestServer's idleUnloadMs. */
const IDLE_UNLOAD_MS = 200;
/** Timer and scheduling delay on a busy 2-core machine, on top of idleUnloadMs. */
const UNLOAD_SLACK_MS = 1_000;

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** A TCP connection to the server, cleaned up after the test. */
async function tcpTo(s: TestServer): Promise<Socket> {
  const socket = connect(Number(new URL(s.url).port), '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  await within(new Promise<void>((resolve) => socket.once('connect', () => resolve())), 5_000, 'tcp connect');
  return socket;
}

/** Everything the server sends until it closes the connection. */
function untilClosed(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  return within(new Promise<string>((resolve) => socket.once('close', () => resolve(received))), 5_000, 'server closes the connection');
}

/** An upgrade request for the room, with `headers` replacing or (when null) removing the standard ones. */
function upgradeRequest(roomId: string, headers: Record<string, string | null> = {}, method = 'GET'): string {
  const all: Record<string, string | null> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all).flatMap(([name, value]) => (value === null ? [] : [`${name}: ${value}`]));
  return `${method} /ws/${roomId} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

async function expectReleasedAndUnloaded(s: TestServer, roomId: string): Promise<void> {
  await waitFor(() => s.server.registry.leaseCount(roomId) === 0, `no lease left on ${roomId}`, 5_000);
  await waitFor(() => s.server.registry.loaded(roomId) === undefined, 'room unloaded after idleUnloadMs', IDLE_UNLOAD_MS + UNLOAD_SLACK_MS);
}

/** A gate the test opens by hand. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

await describeBadInput('bad input: upgrades that never become a WebSocket', ({ server, openStore }) => {
  describe('handshakes `ws` refuses release the room', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await server();
    });

    const refused: [name: string, request: (roomId: string) => string, status: number][] = [
      ['no Sec-WebSocket-Key', (id) => upgradeRequest(id, { 'Sec-WebSocket-Key': null }), 400],
      ['malformed Sec-WebSocket-Key', (id) => upgradeRequest(id, { 'Sec-WebSocket-Key': 'short' }), 400],
      ['wrong Sec-WebSocket-Version', (id) => upgradeRequest(id, { 'Sec-WebSocket-Version': '12' }), 400],
      ['no Sec-WebSocket-Version', (id) => upgradeRequest(id, { 'Sec-WebSocket-Version': null }), 400],
      ['Upgrade to another protocol', (id) => upgradeRequest(id, { Upgrade: 'h2c' }), 400],
      ['POST instead of GET', (id) => upgradeRequest(id, {}, 'POST'), 405],
    ];
    for (const [name, request, status] of refused) {
      it(`${name}: answered ${status}, no lease left, the room unloads after idleUnloadMs`, async () => {
        const roomId = await s.createRoom();
        const socket = await tcpTo(s);
        const response = untilClosed(socket);
        socket.write(request(roomId));
        expect((await response).split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${status === 405 ? 'Method Not Allowed' : 'Bad Request'}`);
        await expectReleasedAndUnloaded(s, roomId);
      });
    }
  });

  describe('a client gone while the room loads releases the room', () => {
    const ways: [name: string, leave: (socket: Socket) => void][] = [
      ['half-closes (FIN)', (socket) => socket.end()],
      ['closes (FIN, then gone)', (socket) => socket.destroy()],
      ['resets (RST)', (socket) => socket.resetAndDestroy()],
    ];
    for (const [name, leave] of ways) {
      it(`client ${name}: no lease left, the room unloads after idleUnloadMs`, async () => {
        const loads = gate();
        const store = await openStore();
        // The real store, with loads held until the client has gone.
        const slowStore = withOverrides(store, { loadDocument: async (id) => loads.opened.then(() => store.loadDocument(id)) });
        const s = await server({ store: slowStore });
        const roomId = await s.createRoom();
        const socket = await tcpTo(s);
        socket.write(upgradeRequest(roomId));
        await waitFor(() => s.server.registry.leaseCount(roomId) === 1, 'the upgrade is waiting for the room', 5_000);
        leave(socket);
        // Give the server time to see the connection go before the room arrives.
        await new Promise((r) => setTimeout(r, 100));
        loads.open();
        await expectReleasedAndUnloaded(s, roomId);
      });
    }
  });
});
