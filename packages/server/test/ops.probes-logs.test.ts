import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_CODES } from '@pairwise/protocol';
import { createLogger } from '../src/logging.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { closeOf, closeRawSockets, rawClient, stalledSocket } from './support/raw-socket.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** Issue 8 operations: liveness and readiness probes, draining, request and connection ids in the logs. */

const SECRET = 'eyJhbGciOiJIUzI1NiJ9.ops-secret-payload.signature';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: TestServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  closeRawSockets();
  await server?.close();
  server = undefined;
});

/** JSON log lines the server writes, parsed. */
function captureLog(): { lines: Record<string, unknown>[]; text: () => string; stream: Writable } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  return {
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join(''),
    stream,
  };
}

describe('request ids', () => {
  it('every response carries a fresh random x-request-id; a client-sent one is not trusted; API log lines carry it', async () => {
    const log = captureLog();
    server = await startTestServer({ log: createLogger('info', log.stream) });
    const first = await fetch(`${server.url}/api/rooms/no-such-room`, { headers: { 'x-request-id': 'forged' } });
    const second = await fetch(`${server.url}/health`);
    const firstId = first.headers.get('x-request-id');
    expect(firstId).toMatch(UUID);
    expect(second.headers.get('x-request-id')).toMatch(UUID);
    expect(second.headers.get('x-request-id')).not.toBe(firstId);

    await waitFor(() => log.lines.some((l) => l.msg === 'request completed'), 'request line logged');
    const lines = log.lines.filter((l) => l.reqId === firstId);
    expect(lines.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    // Probes are polled every few seconds: they would drown the log.
    expect(log.lines.filter((l) => (l.req as { url?: string } | undefined)?.url === '/health')).toEqual([]);
  });

  it('never logs a token, cookie or owner key sent with a request', async () => {
    const log = captureLog();
    server = await startTestServer({ log: createLogger('trace', log.stream) });
    await fetch(`${server.url}/api/rooms/some-room?token=${SECRET}&link=${SECRET}`, {
      headers: { authorization: `Bearer ${SECRET}`, cookie: `pairwise_session=${SECRET}`, 'x-pairwise-owner-key': SECRET },
    });
    await waitFor(() => log.lines.some((l) => l.msg === 'request completed'), 'request line logged');
    expect(log.text()).not.toContain('ops-secret-payload');
    expect(log.lines.find((l) => l.msg === 'incoming request')?.req).toMatchObject({
      url: '/api/rooms/some-room?token=%5Bredacted%5D&link=%5Bredacted%5D',
    });
  });
});

describe('connection ids', () => {
  it('every line about one WebSocket carries the same connection id, and no token', async () => {
    const log = captureLog();
    server = await startTestServer({ log: createLogger('debug', log.stream) });
    const roomId = await server.createRoom({ language: 'plaintext' });
    const client = connectClient(server.wsUrl, roomId);
    clients.push(client);
    await client.synced();
    client.destroy();
    const refused = rawClient(`${server.wsUrl}/${roomId}?token=${SECRET}`);
    expect((await closeOf(refused, 'bad token')).code).toBe(CLOSE_CODES.sessionEnded);

    const wsLine = (l: Record<string, unknown>): boolean => typeof l.msg === 'string' && l.msg.startsWith('websocket');
    await waitFor(() => log.lines.filter(wsLine).length >= 3, 'connected, closed and refused lines');
    const wsLines = log.lines.filter(wsLine);
    for (const line of wsLines) expect(line.connId, JSON.stringify(line)).toMatch(UUID);
    const connected = wsLines.find((l) => l.msg === 'websocket connected')!;
    const closed = wsLines.find((l) => l.msg === 'websocket closed')!;
    const refusal = wsLines.find((l) => l.msg === 'websocket refused')!;
    expect(closed.connId).toBe(connected.connId);
    expect(refusal.connId).not.toBe(connected.connId);
    expect(refusal).toMatchObject({ roomId, code: CLOSE_CODES.sessionEnded });
    expect(log.text()).not.toContain('ops-secret-payload');
  });
});

describe('draining', () => {
  it('close() turns /ready 503 at once, refuses API requests and upgrades with 503, keeps /health and /metrics answering, closes sockets with 1012', async () => {
    server = await startTestServer();
    const roomId = await server.createRoom({ language: 'plaintext' });
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    const typist = rawClient(`${server.wsUrl}/${roomId}`);
    await typist.opened;
    // A client that never reads holds shutdown in its close handshake (up to a second): the drain is observable.
    await stalledSocket(server, roomId);

    const closing = server.server.close();
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'draining: the server is shutting down' });
    const api = await fetch(`${server.url}/api/rooms/${roomId}`);
    expect(api.status).toBe(503);
    expect(await api.json()).toMatchObject({ error: { code: 'shutting_down' } });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
    expect(await upgradeStatus(`${server.wsUrl}/${roomId}`)).toBe(503);

    expect((await closeOf(typist, 'typist')).code).toBe(CLOSE_CODES.serviceRestart);
    await closing;
  });
});

/** The HTTP status an upgrade is refused with (101 if it is accepted). */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('error', () => {});
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.terminate();
    });
  });
}
