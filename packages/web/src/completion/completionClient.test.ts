import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AutocompleteBody } from '@pairwise/protocol';
import { DEFAULT_RETRY_AFTER_MS, DISABLED_RECHECK_MS, FAILURE_PAUSE_MS, createCompletionClient, retryAfterMs } from './completionClient';

interface Call {
  url: string;
  init: RequestInit;
  respond(res: Response): void;
  fail(err: unknown): void;
}

/** A fetch whose answers the test hands out one by one. Like the real one, it rejects on abort. */
function stubFetch(options: { ignoreAbort?: boolean } = {}) {
  const calls: Call[] = [];
  const fetch = vi.fn(
    (url: string, init: RequestInit = {}) =>
      new Promise<Response>((resolve, reject) => {
        calls.push({ url, init, respond: resolve, fail: reject });
        if (!options.ignoreAbort) init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      }),
  );
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const answer = (suggestion: string) =>
  json(200, { suggestion, allSuggestions: [{ text: suggestion, label: `x${suggestion}`, kind: 'keyword', source: 'local' }] });

const body = (code: string): AutocompleteBody => ({ code, cursorPosition: code.length, language: 'python', roomId: 'room_1' });

/** Lets the client's pending awaits (fetch, then res.json()) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(options: { ignoreAbort?: boolean } = {}) {
  const stub = stubFetch(options);
  let time = 1_000_000;
  const client = createCompletionClient({ fetch: stub.fetch, now: () => time });
  const advance = (ms: number): void => {
    time += ms;
  };
  return { ...stub, client, advance };
}

afterEach(() => vi.restoreAllMocks());

describe('completion client', () => {
  it("sends the room's credentials as read at request time", async () => {
    const stub = stubFetch();
    let headers: Record<string, string> = {};
    const client = createCompletionClient({ fetch: stub.fetch, headers: () => headers });
    void client.complete(body('a'));
    await settle();
    headers = { 'x-pairwise-link': 'link_token_123' };
    void client.complete(body('ab'));
    await settle();
    const sent = stub.calls.map((c) => new Headers(c.init.headers));
    expect(sent[0]?.get('x-pairwise-link')).toBeNull();
    expect(sent[1]?.get('x-pairwise-link')).toBe('link_token_123');
    expect(sent[1]?.get('content-type')).toBe('application/json');
  });

  it('posts the request and returns the parsed answer', async () => {
    const { client, calls } = setup();
    const pending = client.complete(body('pri'));
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('/api/autocomplete');
    expect(calls[0]?.init.method).toBe('POST');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual(body('pri'));
    calls[0]?.respond(answer('nt('));
    expect(await pending).toEqual({
      kind: 'ok',
      suggestion: 'nt(',
      items: [{ text: 'nt(', label: 'xnt(', kind: 'keyword', source: 'local' }],
    });
  });

  it('aborts the previous request on the same channel', async () => {
    const { client, calls } = setup();
    const first = client.complete(body('p'));
    const second = client.complete(body('pr'));
    await settle();
    expect(calls[0]?.init.signal?.aborted).toBe(true);
    expect(calls[1]?.init.signal?.aborted).toBe(false);
    expect(await first).toEqual({ kind: 'stale' });
    calls[1]?.respond(answer('int'));
    expect(await second).toMatchObject({ kind: 'ok', suggestion: 'int' });
  });

  it('drops a late answer even when the server ignores the abort', async () => {
    const { client, calls } = setup({ ignoreAbort: true });
    const first = client.complete(body('p'));
    const second = client.complete(body('pr'));
    await settle();
    calls[1]?.respond(answer('int'));
    expect(await second).toMatchObject({ kind: 'ok', suggestion: 'int' });
    // The older request answers last: it must not win.
    calls[0]?.respond(answer('rint'));
    expect(await first).toEqual({ kind: 'stale' });
  });

  it('drops an answer whose body arrives after a newer request was made', async () => {
    const { client, calls } = setup({ ignoreAbort: true });
    // Headers now, body later: the client is awaiting res.json() when the newer request starts.
    let releaseBody: (text: string) => void = () => undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        releaseBody = (text) => {
          controller.enqueue(new TextEncoder().encode(text));
          controller.close();
        };
      },
    });
    const slowBody = new Response(stream);
    const first = client.complete(body('p'));
    await settle();
    calls[0]?.respond(slowBody);
    await settle();
    const second = client.complete(body('pr'));
    releaseBody(JSON.stringify({ suggestion: 'rint', allSuggestions: [] }));
    expect(await first).toEqual({ kind: 'stale' });
    calls[1]?.respond(answer('int'));
    expect(await second).toMatchObject({ kind: 'ok', suggestion: 'int' });
  });

  it("aborts when the caller's signal fires (Monaco's cancellation token)", async () => {
    const { client, calls } = setup();
    const caller = new AbortController();
    const pending = client.complete(body('p'), { signal: caller.signal });
    await settle();
    caller.abort();
    expect(calls[0]?.init.signal?.aborted).toBe(true);
    expect(await pending).toEqual({ kind: 'stale' });
    // Already aborted: not even sent.
    expect(await client.complete(body('p'), { signal: caller.signal })).toEqual({ kind: 'stale' });
    expect(calls).toHaveLength(1);
  });

  it('keeps the ghost-text and list channels independent', async () => {
    const { client, calls } = setup();
    const inline = client.complete(body('p'), { channel: 'inline' });
    const list = client.complete(body('p'), { channel: 'list' });
    await settle();
    expect(calls.map((c) => c.init.signal?.aborted)).toEqual([false, false]);
    calls[0]?.respond(answer('a'));
    calls[1]?.respond(answer('b'));
    expect(await inline).toMatchObject({ suggestion: 'a' });
    expect(await list).toMatchObject({ suggestion: 'b' });
  });

  it('backs off for as long as Retry-After says after a 429, then tries again', async () => {
    const { client, calls, advance } = setup();
    const limited = client.complete(body('p'));
    await settle();
    calls[0]?.respond(json(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '7' }));
    expect(await limited).toEqual({ kind: 'paused', until: 1_000_000 + 7000 });

    advance(6900);
    expect(await client.complete(body('pr'))).toMatchObject({ kind: 'paused' });
    expect(calls).toHaveLength(1);

    advance(200);
    const retried = client.complete(body('pri'));
    await settle();
    expect(calls).toHaveLength(2);
    calls[1]?.respond(answer('nt('));
    expect(await retried).toMatchObject({ kind: 'ok' });
  });

  it('reads Retry-After as seconds or an HTTP date, with a default and bounds', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('12', now)).toBe(12_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs(null, now)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(retryAfterMs('soon', now)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(retryAfterMs('0', now)).toBe(1000);
    expect(retryAfterMs('86400', now)).toBe(10 * 60_000);
  });

  it('treats 403 completions_disabled as "off": no error, no noise, no further requests until resumed', async () => {
    const noise = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'log')];
    const { client, calls, advance } = setup();
    const refused = client.complete(body('p'));
    await settle();
    calls[0]?.respond(json(403, { error: { code: 'completions_disabled', message: 'off' } }));
    expect(await refused).toEqual({ kind: 'disabled' });
    expect(await client.complete(body('pr'))).toEqual({ kind: 'disabled' });
    expect(calls).toHaveLength(1);

    client.resume();
    void client.complete(body('pri'));
    await settle();
    expect(calls).toHaveLength(2);

    // Without a resume, it re-checks on its own after a while.
    calls[1]?.respond(json(403, { error: { code: 'completions_disabled', message: 'off' } }));
    await settle();
    advance(DISABLED_RECHECK_MS);
    void client.complete(body('prin'));
    await settle();
    expect(calls).toHaveLength(3);
    for (const spy of noise) expect(spy).not.toHaveBeenCalled();
  });

  it('pauses briefly after a network failure or a 5xx, not after a 400', async () => {
    const { client, calls, advance } = setup();
    const failed = client.complete(body('p'));
    await settle();
    calls[0]?.fail(new TypeError('Failed to fetch'));
    expect(await failed).toEqual({ kind: 'error', status: 0 });
    expect(await client.complete(body('p'))).toMatchObject({ kind: 'paused' });
    advance(FAILURE_PAUSE_MS);

    const bad = client.complete(body('p'));
    await settle();
    calls[1]?.respond(json(400, { error: { code: 'invalid_input', message: 'no' } }));
    expect(await bad).toEqual({ kind: 'error', status: 400 });
    void client.complete(body('p'));
    await settle();
    expect(calls).toHaveLength(3);
  });

  it('treats a malformed answer as nothing to suggest', async () => {
    const { client, calls } = setup();
    const pending = client.complete(body('p'));
    await settle();
    calls[0]?.respond(json(200, { suggestion: 42, allSuggestions: [{ text: '' }, { text: 'x', kind: 'weird' }, 'junk'] }));
    expect(await pending).toEqual({
      kind: 'ok',
      suggestion: '',
      items: [{ text: 'x', label: 'x', kind: 'identifier', source: 'local' }],
    });
  });

  it('cancel() and dispose() abort in-flight requests and drop their answers', async () => {
    const { client, calls } = setup({ ignoreAbort: true });
    const pending = client.complete(body('p'));
    await settle();
    client.cancel();
    expect(calls[0]?.init.signal?.aborted).toBe(true);
    calls[0]?.respond(answer('late'));
    expect(await pending).toEqual({ kind: 'stale' });
    client.dispose();
    expect(await client.complete(body('p'))).toEqual({ kind: 'stale' });
    expect(calls).toHaveLength(1);
  });
});
