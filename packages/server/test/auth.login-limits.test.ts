import { performance } from 'node:perf_hooks';
import { afterEach, expect, it } from 'vitest';
import { PASSWORD, signUp } from './support/accounts.js';
import { api, apiError, type ApiResponse } from './support/http-api.js';
import { describeEachStore } from './support/store-kinds.js';
import { startTestServer, TEST_AUTH_CONFIG, type TestServer } from './support/test-server.js';

/** Password guessing is slowed per account and per address, and unknown usernames cannot be told apart by time. */

await describeEachStore('sign-in limits', (openStore) => {
  let s: TestServer;

  afterEach(async () => {
    await s?.close();
  });

  const login = (username: string, password: string, headers: Record<string, string> = {}): Promise<ApiResponse> =>
    api(s, 'POST', '/api/auth/login', { username, password }, headers);

  async function refusedForTooMany(username: string, password: string): Promise<void> {
    const response = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts');
  }

  it('per account: after the allowance even the right password waits; other accounts are not affected', async () => {
    s = await startTestServer({ store: await openStore(), auth: { ...TEST_AUTH_CONFIG, loginAttemptsPerAccount: 3 } });
    await signUp(s, 'ada');
    await signUp(s, 'grace');
    for (let i = 0; i < 3; i++) apiError(await login('ada', 'wrong password!'), 401);
    await refusedForTooMany('ada', PASSWORD);
    await refusedForTooMany('ADA', PASSWORD); // the same account, however it is spelled
    expect((await login('grace', PASSWORD)).status).toBe(200);
  });

  it('per address: guessing across many accounts from one address is cut off too', async () => {
    s = await startTestServer({ store: await openStore(), auth: { ...TEST_AUTH_CONFIG, loginAttemptsPerIp: 5 } });
    for (let i = 0; i < 5; i++) apiError(await login(`user${i}`, 'wrong password!'), 401);
    await refusedForTooMany('user9', 'wrong password!');
    // Registering costs an argon2 hash too: it counts against the same allowance.
    expect(apiError(await api(s, 'POST', '/api/auth/register', { username: 'newcomer', password: PASSWORD }), 429).code).toBe(
      'too_many_attempts',
    );
  });

  it('an unknown username takes as long to refuse as a wrong password (a real argon2 verify)', async () => {
    s = await startTestServer({ store: await openStore(), auth: { ...TEST_AUTH_CONFIG, loginAttemptsPerAccount: 100 } });
    await signUp(s, 'ada');
    const timed = async (username: string): Promise<number> => {
      const started = performance.now();
      apiError(await login(username, 'wrong password!'), 401);
      return performance.now() - started;
    };
    await timed('nobody'); // the dummy hash is made on first use
    const wrong: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so load from other processes on the machine hits both alike.
    for (let i = 0; i < 7; i++) {
      wrong.push(await timed('ada'));
      unknown.push(await timed(`nobody${i}`));
    }
    const median = (values: number[]): number => values.sort((a, b) => a - b)[3]!;
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.5);
    expect(median(unknown)).toBeGreaterThan(3); // argon2id with 19 MiB is never this fast
  });
});
