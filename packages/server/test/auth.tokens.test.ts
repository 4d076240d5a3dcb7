import { SignJWT } from 'jose';
import { afterEach, expect, it, vi } from 'vitest';
import { deriveAuthKeys } from '../src/auth/auth-keys.js';
import { browserSession, signUp } from './support/accounts.js';
import { api, apiError } from './support/http-api.js';
import { describeEachStore } from './support/store-kinds.js';
import { startTestServer, TEST_AUTH_CONFIG, type TestServer } from './support/test-server.js';

/** Every token that is not a live session of this server gets the same 401 invalid_session. */

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const { sessionTokens: serverKey } = deriveAuthKeys(TEST_AUTH_CONFIG.secret!);

function sign(claims: Record<string, unknown>, key: Uint8Array, expiresAt: number | string = '1h'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresAt).sign(key);
}

await describeEachStore('session tokens', (openStore) => {
  let s: TestServer;

  afterEach(async () => {
    vi.useRealTimers();
    await s?.close();
  });

  async function refused(token: string): Promise<void> {
    const byBearer = apiError(await api(s, 'GET', '/api/me', undefined, { authorization: `Bearer ${token}` }), 401);
    expect(byBearer.code).toBe('invalid_session');
    expect(apiError(await api(s, 'GET', '/api/me', undefined, browserSession(s, token)), 401)).toEqual(byBearer);
    // Refused on every route, not only /api/me: a bad token is never quietly treated as a guest.
    expect(apiError(await api(s, 'GET', '/api/rooms', undefined, { authorization: `Bearer ${token}` }), 401)).toEqual(byBearer);
  }

  it('refuses forged, tampered, foreign, expired and malformed tokens', async () => {
    s = await startTestServer({ store: await openStore() });
    const ada = await signUp(s, 'ada');
    const [header, payload] = ada.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sid: string; sub: string; exp: number };

    // alg: none, with and without a signature part.
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}`;
    await refused(`${unsigned}.`);
    await refused(unsigned);
    // Another algorithm's header on our signature, and our header on a changed payload.
    await refused(`${base64url({ alg: 'HS512', typ: 'JWT' })}.${ada.token.split('.').slice(1).join('.')}`);
    await refused(`${header}.${base64url({ ...claims, sub: 'someone-else' })}.${ada.token.split('.')[2]}`);
    // Right shape, wrong key.
    await refused(await sign({ sid: claims.sid, sub: claims.sub }, new TextEncoder().encode('another-secret-another-secret-32')));
    // Right key: expired, naming a session that does not exist, or another user than its session's.
    await refused(await sign({ sid: claims.sid, sub: claims.sub }, serverKey, Math.floor(Date.now() / 1000) - 10));
    await refused(await sign({ sid: 'no-such-session', sub: claims.sub }, serverKey));
    const grace = await signUp(s, 'grace');
    await refused(await sign({ sid: claims.sid, sub: grace.user.id }, serverKey));
    // Missing claims, garbage, and something far too long to be ours.
    await refused(await sign({ sub: claims.sub }, serverKey));
    for (const garbage of ['x', 'a.b.c', '...', '%00', 'e'.repeat(5000)]) await refused(garbage);

    // The real one still works.
    expect((await api(s, 'GET', '/api/me', undefined, ada.bearer)).body).toEqual({ user: ada.user });
  });

  it('without AUTH_SECRET every instance on one database signs with the same stored secret', async () => {
    const auth = { ...TEST_AUTH_CONFIG, secret: null };
    s = await startTestServer({ store: await openStore(), auth });
    const second = await startTestServer({ store: await openStore.sameDatabase(), auth });
    try {
      const ada = await signUp(s, 'ada');
      expect((await api(second, 'GET', '/api/me', undefined, ada.bearer)).body).toEqual({ user: ada.user });
      // And it is not the test secret: the same claims signed with that are refused.
      const { sid } = JSON.parse(Buffer.from(ada.token.split('.')[1]!, 'base64url').toString()) as { sid: string };
      await refused(await sign({ sid, sub: ada.user.id }, serverKey));
    } finally {
      await second.close();
    }
  });

  it('refuses a token once its session has expired, by the server’s clock', async () => {
    s = await startTestServer({ store: await openStore(), auth: { ...TEST_AUTH_CONFIG, sessionTtlMs: 3600_000 } });
    const ada = await signUp(s, 'ada');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3600_000 + 1_000 });
    await refused(ada.token);
  });
});
