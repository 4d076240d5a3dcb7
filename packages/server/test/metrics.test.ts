import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@pairwise/protocol';
import { DEFAULT_LIMITS } from '../src/limits/config.js';
import { parseExposition, seriesValue } from '../src/observability/exposition.testkit.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { handshake, refusal } from './support/handshake.js';
import { api, apiError } from './support/http-api.js';
import { awarenessFrame, closeOf, rawClient } from './support/raw-socket.js';
import { startTestServer, TEST_AUTH_CONFIG, type TestServer, type TestServerOptions } from './support/test-server.js';
import { closedAfterEach } from './support/closed-after-each.js';
import { within } from './support/within.js';

/** `GET /metrics` of a real server, driven by stock y-websocket clients and raw hostile frames. */

const { clients, servers } = closedAfterEach();

async function server(options: TestServerOptions = {}): Promise<TestServer> {
  const s = await startTestServer(options);
  servers.push(s);
  return s;
}

async function scrape(s: TestServer, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const response = await fetch(`${s.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

/** Polls the metrics until `check` holds for them, and returns them. */
async function scrapeUntil(s: TestServer, check: (series: Map<string, number>) => boolean, what: string): Promise<Map<string, number>> {
  let series = new Map<string, number>();
  await waitFor(async () => {
    series = await scrape(s);
    return check(series);
  }, what);
  return series;
}

describe('GET /metrics', () => {
  it('counts two clients editing: connections, updates, messages, fan-out and storage', async () => {
    const s = await server();
    const roomId = await s.createRoom();
    const alice = connectClient(s.wsUrl, roomId);
    const bob = connectClient(s.wsUrl, roomId);
    clients.push(alice, bob);
    await within(Promise.all([alice.synced(), bob.synced()]), 10_000, 'clients sync');
    alice.text.insert(0, 'hello ');
    bob.text.insert(0, 'world ');
    const holdsBoth = (c: TestClient): boolean => c.text.toString().includes('hello ') && c.text.toString().includes('world ');
    await waitFor(() => holdsBoth(alice) && holdsBoth(bob), 'edits reach both clients');

    const series = await scrapeUntil(
      s,
      (m) => m.get('pairwise_store_queue_updates') === 0 && m.get('pairwise_stored_updates_total')! > 0,
      'edits stored',
    );
    expect(seriesValue(series, 'pairwise_connections')).toBe(2);
    expect(seriesValue(series, 'pairwise_rooms_loaded')).toBe(1);
    expect(seriesValue(series, 'pairwise_updates_total')).toBeGreaterThanOrEqual(2);
    expect(seriesValue(series, 'pairwise_update_bytes_total')).toBeGreaterThan(12);
    expect(seriesValue(series, 'pairwise_messages_total{type="syncStep1"}')).toBeGreaterThanOrEqual(2);
    expect(seriesValue(series, 'pairwise_messages_total{type="syncStep2"}')).toBeGreaterThanOrEqual(2);
    expect(seriesValue(series, 'pairwise_messages_total{type="update"}')).toBeGreaterThanOrEqual(2);
    expect(seriesValue(series, 'pairwise_fanout_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(seriesValue(series, 'pairwise_store_commit_seconds_count')).toBeGreaterThan(0);
    expect(seriesValue(series, 'pairwise_redis_publish_seconds_count')).toBe(0);
    expect(series.has('process_resident_memory_bytes')).toBe(true);

    alice.destroy();
    bob.destroy();
    // The room unloads once idle (200 ms in tests).
    await scrapeUntil(
      s,
      (m) => m.get('pairwise_connections') === 0 && m.get('pairwise_rooms_loaded') === 0,
      'connections close and the room unloads',
    );
  });

  it('counts a connection closed with 4429 for flooding as a limit hit', async () => {
    const connection = { ...DEFAULT_LIMITS.connection, messageBurst: 20, messagesPerSecond: 5 };
    const s = await server({ limits: { ...DEFAULT_LIMITS, connection } });
    const roomId = await s.createRoom();
    const flooder = rawClient(`${s.wsUrl}/${roomId}`);
    await flooder.opened;
    for (let i = 1; i <= 100; i++) flooder.ws.send(awarenessFrame([[4242, i, { i }]]));
    expect((await closeOf(flooder, 'flooder')).code).toBe(CLOSE_CODES.rateLimited);

    const series = await scrapeUntil(s, (m) => m.get('pairwise_connections') === 0, 'the flooder is gone');
    expect(seriesValue(series, 'pairwise_limit_hits_total{limit="connection_rate"}')).toBe(1);
    expect(seriesValue(series, 'pairwise_messages_total{type="awareness"}')).toBeGreaterThan(0);
  });

  it('counts a connection a full room refuses as a limit hit', async () => {
    const s = await server({ roomLimits: { maxConnections: 1 } });
    const roomId = await s.createRoom();
    const first = rawClient(`${s.wsUrl}/${roomId}`);
    await first.opened;
    const second = rawClient(`${s.wsUrl}/${roomId}`);
    expect((await closeOf(second, 'second')).code).toBe(CLOSE_CODES.rateLimited);

    const series = await scrape(s);
    expect(seriesValue(series, 'pairwise_limit_hits_total{limit="room_connections"}')).toBe(1);
    expect(seriesValue(series, 'pairwise_connections')).toBe(1);
  });

  it('counts malformed, text and oversized frames as protocol errors, by kind', async () => {
    const s = await server({ maxMessageBytes: 2048 });
    const roomId = await s.createRoom();
    const sends: [data: Uint8Array | string, closeCode: number][] = [
      [new Uint8Array([99, 1, 2]), CLOSE_CODES.invalidMessage],
      ['{"hello":"server"}', CLOSE_CODES.unsupportedData],
      [new Uint8Array(4096), 1009],
    ];
    for (const [data, closeCode] of sends) {
      const raw = rawClient(`${s.wsUrl}/${roomId}`);
      await raw.opened;
      raw.ws.send(data);
      expect((await closeOf(raw, 'sender')).code).toBe(closeCode);
    }

    const series = await scrapeUntil(s, (m) => m.get('pairwise_connections') === 0, 'the senders are gone');
    expect(seriesValue(series, 'pairwise_protocol_errors_total{kind="invalid_message"}')).toBe(1);
    expect(seriesValue(series, 'pairwise_protocol_errors_total{kind="text_frame"}')).toBe(1);
    expect(seriesValue(series, 'pairwise_protocol_errors_total{kind="frame_too_large"}')).toBe(1);
  });

  it('is not limited by the API rate limit', async () => {
    const s = await server({ limits: { ...DEFAULT_LIMITS, apiRequestsPerMinute: 1 } });
    expect((await fetch(`${s.url}/api/rooms`)).status).toBe(200);
    expect((await fetch(`${s.url}/api/rooms`)).status).toBe(429);
    for (let i = 0; i < 5; i++) await scrape(s);
  });

  it('counts WebSocket upgrades refused for their origin, open sockets and handshakes per address as limit hits', async () => {
    const s = await server({ limits: { ...DEFAULT_LIMITS, connectionsPerAddress: 1, connectsPerMinute: 3 } });
    const url = `${s.wsUrl}/${await s.createRoom()}`;
    expect(refusal(await handshake(url, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await handshake(url)).upgraded).toBe(true);
    // Handshakes 2 and 3 are within the rate but find the address's one socket taken; the 4th is over the rate.
    expect(refusal(await handshake(url)).code).toBe('too_many_connections');
    expect(refusal(await handshake(url)).code).toBe('too_many_connections');
    expect(refusal(await handshake(url)).code).toBe('rate_limited');

    const series = await scrape(s);
    expect(seriesValue(series, 'pairwise_limit_hits_total{limit="origin"}')).toBe(1);
    expect(seriesValue(series, 'pairwise_limit_hits_total{limit="connections_per_address"}')).toBe(2);
    expect(seriesValue(series, 'pairwise_limit_hits_total{limit="handshake_rate"}')).toBe(1);
  });

  it('counts HTTP 429s as limit hits: API rate, room creations, sign-in attempts and autocomplete', async () => {
    const s = await server({
      limits: { ...DEFAULT_LIMITS, apiRequestsPerMinute: 5, roomCreationsPerHour: 1 },
      auth: { ...TEST_AUTH_CONFIG, loginAttemptsPerAccount: 1 },
      autocompleteRequestsPerMinute: 1,
    });
    await s.createRoom();
    expect(apiError(await api(s, 'POST', '/api/rooms', {}), 429).code).toBe('rate_limited');
    const login = () => api(s, 'POST', '/api/auth/login', { username: 'ada', password: 'wrong password!' });
    apiError(await login(), 401);
    expect(apiError(await login(), 429).code).toBe('too_many_attempts');
    const complete = () => api(s, 'POST', '/api/autocomplete', { code: 'con', cursorPosition: 3, language: 'javascript' });
    expect((await complete()).status).toBe(200);
    expect(apiError(await complete(), 429).code).toBe('rate_limited');
    // The API-wide limit (which autocomplete does not count against) is met by the 5th request at the latest.
    let refused = 0;
    for (let i = 0; i < 5 && refused === 0; i++) if ((await api(s, 'GET', '/api/rooms')).status === 429) refused++;
    expect(refused).toBe(1);

    const series = await scrape(s);
    expect(seriesValue(series, 'pairwise_limit_hits_total{limit="room_creation_rate"}')).toBe(1);
    expect(seriesValue(series, 'pairwise_limit_hits_total{limit="login_attempts"}')).toBe(1);
    expect(seriesValue(series, 'pairwise_limit_hits_total{limit="autocomplete_rate"}')).toBe(1);
    expect(seriesValue(series, 'pairwise_limit_hits_total{limit="api_rate"}')).toBe(1);
  });

  describe('with METRICS_TOKEN set', () => {
    const token = 'scrape-token-0123456789';

    it('answers only a scraper that sends it as a bearer token', async () => {
      const s = await server({ metricsToken: token });
      expect(seriesValue(await scrape(s, { authorization: `Bearer ${token}` }), 'pairwise_connections')).toBe(0);
      for (const authorization of [undefined, 'Bearer wrong-token', token, `Basic ${token}`]) {
        const response = await fetch(`${s.url}/metrics`, { headers: authorization === undefined ? {} : { authorization } });
        expect(response.status, String(authorization)).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      }
    });
  });
});
