import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/limits/config.js';
import { api, apiError } from './support/http-api.js';
import { startTestServer, type TestServer, type TestServerOptions } from './support/test-server.js';

/**
 * HTTP hardening against a real server: API requests per client address per minute and room
 * creations per hour (429 with Retry-After, in the API's error shape), the web app's files and
 * /health never limited, and security headers (helmet, with a CSP that allows the page's own
 * inline script by hash) on every answer.
 */

const THEME_SCRIPT = "document.documentElement.dataset.theme = 'dark';";
const INDEX_HTML = `<!doctype html><html><head><script>${THEME_SCRIPT}</script></head><body><div id="root"></div><script type="module" src="/assets/app.js"></script></body></html>`;

let webDir: string;
const servers: TestServer[] = [];

beforeAll(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'pairwise-limits-web-'));
  await mkdir(join(webDir, 'assets'));
  await writeFile(join(webDir, 'index.html'), INDEX_HTML);
  await writeFile(join(webDir, 'assets', 'app.js'), 'export {};\n');
});
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
  await rm(webDir, { recursive: true, force: true });
});

async function server(options: TestServerOptions = {}): Promise<TestServer> {
  const s = await startTestServer({ webDistDir: webDir, ...options });
  servers.push(s);
  return s;
}

const withLimits = (limits: Partial<typeof DEFAULT_LIMITS>): TestServerOptions => ({ limits: { ...DEFAULT_LIMITS, ...limits } });

describe('API requests per client address', () => {
  it('past the limit: 429 with Retry-After in the API’s error shape; the web app, /health and /ready are never limited', async () => {
    const s = await server(withLimits({ apiRequestsPerMinute: 5 }));
    for (let i = 0; i < 5; i++) expect((await api(s, 'GET', '/api/rooms')).status).toBe(200);
    const response = await fetch(`${s.url}/api/rooms`);
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await response.body?.cancel();
    expect(apiError(await api(s, 'POST', '/api/rooms', {}), 429).code).toBe('rate_limited');

    for (let i = 0; i < 10; i++) {
      for (const path of ['/health', '/ready', '/', '/r/some-room', '/assets/app.js']) {
        const page = await fetch(`${s.url}${path}`);
        expect(page.status, path).toBe(200);
        await page.arrayBuffer();
      }
    }
  });

  it('behind a trusted proxy each forwarded address has its own allowance; without trust the header changes nothing', async () => {
    const trusting = await server({ ...withLimits({ apiRequestsPerMinute: 2 }), trustProxy: ['loopback'] });
    const from = (address: string) => ({ 'x-forwarded-for': address });
    for (let i = 0; i < 2; i++) expect((await api(trusting, 'GET', '/api/rooms', undefined, from('198.51.100.1'))).status).toBe(200);
    expect((await api(trusting, 'GET', '/api/rooms', undefined, from('198.51.100.1'))).status).toBe(429);
    expect((await api(trusting, 'GET', '/api/rooms', undefined, from('198.51.100.2'))).status).toBe(200);

    const direct = await server(withLimits({ apiRequestsPerMinute: 2 }));
    for (let i = 0; i < 2; i++) expect((await api(direct, 'GET', '/api/rooms', undefined, from(`198.51.100.${i}`))).status).toBe(200);
    expect((await api(direct, 'GET', '/api/rooms', undefined, from('198.51.100.9'))).status).toBe(429);
  });
});

describe('room creations per client address', () => {
  it('past ROOM_CREATIONS_PER_HOUR: 429 with Retry-After; other requests still answered', async () => {
    const s = await server(withLimits({ roomCreationsPerHour: 3 }));
    for (let i = 0; i < 3; i++) expect((await api(s, 'POST', '/api/rooms', {})).status).toBe(201);
    const response = await fetch(`${s.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(429);
    // One more room every 20 minutes.
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(1_100);
    expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(1_200);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await api(s, 'GET', '/api/rooms')).status).toBe(200);
  });
});

describe('security headers', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await server();
  });

  const themeScriptHash = `'sha256-${createHash('sha256').update(THEME_SCRIPT).digest('base64')}'`;

  for (const path of ['/', '/r/some-room', '/api/rooms', '/health', '/assets/app.js', '/api/no-such-route']) {
    it(`${path}: helmet's headers and the app's CSP`, async () => {
      const response = await fetch(`${s.url}${path}`);
      await response.arrayBuffer();
      const header = (name: string) => response.headers.get(name);
      expect(header('x-content-type-options')).toBe('nosniff');
      expect(header('x-frame-options')).toBe('SAMEORIGIN');
      expect(header('referrer-policy')).toBe('no-referrer');
      expect(header('cross-origin-opener-policy')).toBe('same-origin');
      expect(header('cross-origin-embedder-policy')).toBe('require-corp');
      expect(header('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(header('x-powered-by')).toBeNull();
      const csp = header('content-security-policy') ?? '';
      expect(csp).toContain(`script-src 'self' 'wasm-unsafe-eval' ${themeScriptHash}`);
      expect(csp).not.toContain("'unsafe-eval'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    });
  }
});
