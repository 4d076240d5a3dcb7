import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/limits/config.js';
import { waitFor } from './support/clients.js';
import { handshake, refusal } from './support/handshake.js';
import { closeOf, closeRawSockets } from './support/raw-socket.js';
import { startTestServer, type TestServer, type TestServerOptions } from './support/test-server.js';

/**
 * The checks a WebSocket upgrade passes before anything else: the page's Origin (403), handshakes
 * per minute and open sockets per client address (429 with Retry-After), the client address taken
 * from X-Forwarded-For only behind a trusted proxy. A refused upgrade never loads the room.
 */

const servers: TestServer[] = [];
afterEach(() => closeRawSockets());
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(options: TestServerOptions = {}): Promise<TestServer> {
  const s = await startTestServer(options);
  servers.push(s);
  return s;
}

const withLimits = (limits: Partial<typeof DEFAULT_LIMITS>): TestServerOptions => ({ limits: { ...DEFAULT_LIMITS, ...limits } });

/** The room is neither loaded nor waited for: the refusal came before the room registry was asked. */
function expectUntouched(s: TestServer, roomId: string): void {
  expect(s.server.registry.loaded(roomId)).toBeUndefined();
  expect(s.server.registry.leaseCount(roomId)).toBe(0);
}

describe('Origin', () => {
  it('the server’s own origin and clients without Origin are accepted; any other page gets 403 before the room is loaded', async () => {
    const s = await server();
    const roomId = await s.createRoom();
    const url = `${s.wsUrl}/${roomId}`;
    expect((await handshake(url, { Origin: s.url })).upgraded).toBe(true);
    expect((await handshake(url)).upgraded).toBe(true);
    closeRawSockets();
    await waitFor(() => s.server.registry.loaded(roomId) === undefined, 'room unloaded', 5_000);

    for (const origin of ['https://evil.example', 'http://127.0.0.1:1', 'null']) {
      const answer = await handshake(url, { Origin: origin });
      expect(refusal(answer)).toMatchObject({ status: 403, code: 'origin_not_allowed' });
      expectUntouched(s, roomId);
    }
  });

  it('with ALLOWED_ORIGINS, exactly the listed origins may connect', async () => {
    const s = await server({ allowedOrigins: ['https://pairwise.example.com', 'http://localhost:5173'] });
    const url = `${s.wsUrl}/${await s.createRoom()}`;
    expect((await handshake(url, { Origin: 'https://pairwise.example.com' })).upgraded).toBe(true);
    expect((await handshake(url, { Origin: 'http://localhost:5173' })).upgraded).toBe(true);
    expect(refusal(await handshake(url, { Origin: s.url })).status).toBe(403);
    expect(refusal(await handshake(url, { Origin: 'https://evil.example' })).status).toBe(403);
  });

  it('X-Forwarded-Host names the own host only when the proxy sending it is trusted', async () => {
    const headers = { Origin: 'https://pairwise.example.com', 'X-Forwarded-Host': 'pairwise.example.com' };
    const trusting = await server({ trustProxy: ['loopback'] });
    expect((await handshake(`${trusting.wsUrl}/${await trusting.createRoom()}`, headers)).upgraded).toBe(true);
    const direct = await server();
    expect(refusal(await handshake(`${direct.wsUrl}/${await direct.createRoom()}`, headers)).status).toBe(403);
  });
});

describe('per client address', () => {
  it('open sockets are capped (429 with Retry-After, room not loaded); closing one lets the next in', async () => {
    const s = await server(withLimits({ connectionsPerAddress: 3 }));
    const roomId = await s.createRoom();
    const other = await s.createRoom();
    const open = [];
    for (let i = 0; i < 3; i++) {
      const answer = await handshake(`${s.wsUrl}/${roomId}`);
      if (!answer.upgraded) throw new Error(`socket ${i} refused: ${answer.status}`);
      open.push(answer.raw);
    }
    const refused = refusal(await handshake(`${s.wsUrl}/${other}`));
    expect(refused).toMatchObject({ status: 429, code: 'too_many_connections' });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expectUntouched(s, other);

    open[0]!.ws.close();
    await closeOf(open[0]!, 'first socket');
    // The server sees the TCP connection end a moment after the client does.
    await waitFor(async () => (await handshake(`${s.wsUrl}/${other}`)).upgraded, 'a socket is free again', 5_000);
  });

  it('handshakes per minute are limited (429 with the time until the next one is allowed)', async () => {
    const s = await server(withLimits({ connectsPerMinute: 5 }));
    const url = `${s.wsUrl}/${await s.createRoom()}`;
    for (let i = 0; i < 5; i++) {
      expect((await handshake(url)).upgraded).toBe(true);
      closeRawSockets();
    }
    const refused = refusal(await handshake(url));
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited' });
    // One handshake every 12 s.
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(11);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(12);
  });

  it('X-Forwarded-For is ignored unless TRUST_PROXY trusts the proxy: a client cannot escape the cap by spoofing it', async () => {
    const s = await server(withLimits({ connectionsPerAddress: 1 }));
    const url = `${s.wsUrl}/${await s.createRoom()}`;
    expect((await handshake(url, { 'X-Forwarded-For': '198.51.100.1' })).upgraded).toBe(true);
    expect(refusal(await handshake(url, { 'X-Forwarded-For': '198.51.100.2' })).status).toBe(429);
  });

  it('behind a trusted proxy, each forwarded client address has its own allowance', async () => {
    const s = await server({ ...withLimits({ connectionsPerAddress: 1 }), trustProxy: ['loopback'] });
    const url = `${s.wsUrl}/${await s.createRoom()}`;
    expect((await handshake(url, { 'X-Forwarded-For': '198.51.100.1' })).upgraded).toBe(true);
    expect((await handshake(url, { 'X-Forwarded-For': '198.51.100.2' })).upgraded).toBe(true);
    expect(refusal(await handshake(url, { 'X-Forwarded-For': '198.51.100.1' })).status).toBe(429);
    // An IPv6 client's whole /64 is one client.
    expect((await handshake(url, { 'X-Forwarded-For': '2001:db8:1:2::1' })).upgraded).toBe(true);
    expect(refusal(await handshake(url, { 'X-Forwarded-For': '2001:db8:1:2::abcd' })).status).toBe(429);
  });
});
