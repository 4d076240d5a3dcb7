import { afterEach, describe, expect, it } from 'vitest';
import { AUTOCOMPLETE_CODE_MAX, type AutocompleteResponse } from '@pairwise/protocol';
import { connectClient, type TestClient } from './support/clients.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('POST /api/autocomplete', () => {
  let server: TestServer;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.close();
  });

  const post = (body: unknown, raw = false): Promise<Response> =>
    fetch(`${server.url}/api/autocomplete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw ? (body as string) : JSON.stringify(body),
    });

  it('suggests the rest of `print(` for Python `pri`', async () => {
    server = await startTestServer();
    const response = await post({ code: 'pri', cursorPosition: 3, language: 'python' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as AutocompleteResponse;
    expect(body.suggestion.startsWith('nt(')).toBe(true);
    expect(body.allSuggestions.length).toBeGreaterThan(0);
    expect(body.allSuggestions[0]).toMatchObject({ source: 'local' });
  });

  it('tells the web app to run the local engine itself (GET /api/capabilities)', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/api/capabilities`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ completion: 'browser', runs: { runner: 'browser', serverLanguages: [] } });
  });

  it.each([
    ['missing code', { cursorPosition: 0, language: 'python' }, 'code'],
    ['missing cursorPosition', { code: 'x', language: 'python' }, 'cursorPosition'],
    ['cursor past the end', { code: 'abc', cursorPosition: 4, language: 'python' }, 'cursorPosition'],
    ['negative cursor', { code: 'abc', cursorPosition: -1, language: 'python' }, 'cursorPosition'],
    ['fractional cursor', { code: 'abc', cursorPosition: 1.5, language: 'python' }, 'cursorPosition'],
    ['unknown language', { code: 'abc', cursorPosition: 1, language: 'cobol' }, 'language'],
    ['bad room id', { code: 'abc', cursorPosition: 1, language: 'python', roomId: 'a b' }, 'roomId'],
    ['unknown field', { code: 'abc', cursorPosition: 1, language: 'python', temperature: 2 }, 'temperature'],
  ])('answers 400 naming the field for %s', async (_case, body, field) => {
    server = await startTestServer();
    const response = await post(body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain(field);
  });

  it('answers 400 for code over 1 MiB, and accepts exactly 1 MiB', async () => {
    server = await startTestServer();
    const tooBig = await post({ code: 'x'.repeat(AUTOCOMPLETE_CODE_MAX + 1), cursorPosition: 0, language: 'python' });
    expect(tooBig.status).toBe(400);
    expect(((await tooBig.json()) as { error: { message: string } }).error.message).toContain('1 MiB');
    const atLimit = await post({ code: 'x'.repeat(AUTOCOMPLETE_CODE_MAX), cursorPosition: AUTOCOMPLETE_CODE_MAX, language: 'python' });
    expect(atLimit.status).toBe(200);
  });

  it('answers 400 for a body that is not JSON', async () => {
    server = await startTestServer();
    const response = await post('{"code": ', true);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });

  it('refuses suggestions for a room that switched them off, and for unknown rooms', async () => {
    server = await startTestServer();
    const roomId = await server.createRoom({ language: 'python' });
    const request = { code: 'pri', cursorPosition: 3, language: 'python', roomId };
    expect((await post(request)).status).toBe(200);

    const setSwitch = (aiCompletions: boolean) =>
      fetch(`${server.url}/api/rooms/${roomId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...server.asOwner(roomId) },
        body: JSON.stringify({ aiCompletions }),
      });
    expect((await setSwitch(false)).status).toBe(200);
    expect((await post(request)).status).toBe(403);
    const refused = (await (await post(request)).json()) as { error: { code: string } };
    expect(refused.error.code).toBe('completions_disabled');

    // A client cannot switch them back on through the document: only the owner's PATCH does.
    const client = connectClient(server.wsUrl, roomId);
    clients.push(client);
    await client.synced();
    client.doc.getMap('meta').set('aiCompletions', true);
    await expect.poll(() => client.doc.getMap('meta').get('aiCompletions')).toBe(false);
    expect((await post(request)).status).toBe(403);

    expect((await setSwitch(true)).status).toBe(200);
    expect((await post(request)).status).toBe(200);
    expect((await post({ ...request, roomId: 'no-such-room' })).status).toBe(404);
  });

  it('rate-limits each client with 429 and Retry-After', async () => {
    server = await startTestServer({ autocompleteRequestsPerMinute: 3 });
    const request = { code: 'pri', cursorPosition: 3, language: 'python' };
    for (let i = 0; i < 3; i++) expect((await post(request)).status).toBe(200);
    const limited = await post(request);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });
});
