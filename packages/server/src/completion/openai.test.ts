import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAi } from './fake-openai.testkit.js';
import type { FakeOpenAi } from './fake-openai.testkit.js';
import { LocalCompletionProvider } from './local.js';
import { OpenAiCompletionProvider } from './openai.js';
import type { OpenAiCompletionOptions } from './openai.js';
import type { CompletionRequest } from './provider.js';

const REQUEST: CompletionRequest = { code: 'for i in ra\nprint(i)\n', cursorPosition: 'for i in ra'.length, language: 'python' };
const completion = (text: string) => ({ status: 200, body: { choices: [{ text, index: 0, finish_reason: 'stop' }] } });
const chat = (content: string) => ({ status: 200, body: { choices: [{ index: 0, message: { role: 'assistant', content } }] } });

describe('OpenAiCompletionProvider', () => {
  let server: FakeOpenAi;
  const local = new LocalCompletionProvider();
  const signal = () => new AbortController().signal;
  const provider = (options: Partial<OpenAiCompletionOptions> = {}) =>
    new OpenAiCompletionProvider({
      baseUrl: server.baseUrl,
      apiKey: 'sk-test',
      model: 'tiny-coder',
      timeoutMs: 2_000,
      fallback: local,
      ...options,
    });
  const localAnswer = () => local.complete(REQUEST, signal());

  beforeEach(async () => {
    server = await startFakeOpenAi();
  });
  afterEach(async () => {
    await server.close();
  });

  it('sends a fill-in-the-middle request and puts the model answer first', async () => {
    server.reply('/v1/completions', completion('nge(10):'));
    const answer = await provider().complete(REQUEST, signal());

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.headers.authorization).toBe('Bearer sk-test');
    expect(request!.body).toMatchObject({
      model: 'tiny-coder',
      prompt: 'for i in ra',
      suffix: '\nprint(i)\n',
      temperature: 0,
      stream: false,
    });
    expect(request!.body.max_tokens).toBeLessThanOrEqual(128);
    expect(request!.body.stop).toEqual(['\n\n']);

    expect(answer.suggestion).toBe('nge(10):');
    expect(answer.allSuggestions[0]).toEqual({ text: 'nge(10):', label: 'nge(10):', kind: 'model', source: 'openai' });
    expect(answer.allSuggestions.slice(1)).toEqual((await localAnswer()).allSuggestions);
  });

  it('bounds the prompt and stops at the line end when completing inside a line', async () => {
    server.reply('/v1/completions', completion('x'));
    const code = `${'a = 1\n'.repeat(3_000)}print(▮)\n${'b = 2\n'.repeat(1_000)}`;
    const cursorPosition = code.indexOf('▮');
    await provider().complete({ code: code.replace('▮', ''), cursorPosition, language: 'python' }, signal());
    const body = server.requests[0]!.body;
    expect((body.prompt as string).length).toBeLessThanOrEqual(6_000);
    expect((body.prompt as string).endsWith('print(')).toBe(true);
    expect((body.suffix as string).length).toBeLessThanOrEqual(2_000);
    expect((body.suffix as string).startsWith(')\nb = 2')).toBe(true);
    expect(body.stop).toEqual(['\n']);
  });

  it('omits the authorization header without an API key', async () => {
    server.reply('/v1/completions', completion('nge('));
    await provider({ apiKey: undefined }).complete(REQUEST, signal());
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('falls back to chat completions when /v1/completions is missing, and remembers it', async () => {
    server.reply('/v1/chat/completions', chat('```python\nfor i in range(10):\n```'));
    const openai = provider();
    const first = await openai.complete(REQUEST, signal());
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/completions', '/v1/chat/completions']);
    const messages = server.requests[1]!.body.messages as { role: string; content: string }[];
    expect(messages[0]!.role).toBe('system');
    expect(messages[1]!.content).toContain('for i in ra<CURSOR>\nprint(i)');
    // The fence and the echoed start of the line are stripped.
    expect(first.suggestion).toBe('nge(10):');
    expect(first.allSuggestions[0]).toMatchObject({ kind: 'model', source: 'openai' });

    await openai.complete({ ...REQUEST, code: `x = 1\n${REQUEST.code}`, cursorPosition: REQUEST.cursorPosition + 6 }, signal());
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/completions', '/v1/chat/completions', '/v1/chat/completions']);
  });

  it('answers with the local fallback when the model times out', async () => {
    server.reply('/v1/completions', 'hang');
    const started = performance.now();
    const answer = await provider({ timeoutMs: 150 }).complete(REQUEST, signal());
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(answer).toEqual(await localAnswer());
    await server.requests[0]!.abandoned;
  });

  it('answers with the local fallback on a server error or a garbage body', async () => {
    server.reply('/v1/completions', { status: 500, body: { error: 'boom' } });
    expect(await provider().complete(REQUEST, signal())).toEqual(await localAnswer());

    server.reply('/v1/completions', { status: 200, body: 'not json at all' });
    expect(await provider().complete(REQUEST, signal())).toEqual(await localAnswer());

    server.reply('/v1/completions', { status: 200, body: { choices: [{ text: 42 }] } });
    expect(await provider().complete(REQUEST, signal())).toEqual(await localAnswer());
  });

  it('answers with the local fallback when the server is unreachable', async () => {
    const unreachable = provider({ baseUrl: 'http://127.0.0.1:1' });
    expect(await unreachable.complete(REQUEST, signal())).toEqual(await localAnswer());
  });

  it('rejects with the abort reason and cancels the HTTP request when the caller aborts', async () => {
    server.reply('/v1/completions', 'hang');
    const controller = new AbortController();
    const pending = provider().complete(REQUEST, controller.signal);
    await server.waitForRequests(1);
    const reason = new Error('user typed on');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await server.requests[0]!.abandoned;
  });

  it('serves an identical request from its cache without asking again', async () => {
    server.reply('/v1/completions', completion('nge(3):'));
    const openai = provider();
    const first = await openai.complete(REQUEST, signal());
    const second = await openai.complete(REQUEST, signal());
    expect(second).toEqual(first);
    expect(server.requests).toHaveLength(1);

    await openai.complete({ ...REQUEST, language: 'javascript' }, signal());
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a timeout it could not honour at construction', () => {
    expect(() => provider({ timeoutMs: Number.NaN })).toThrow(RangeError);
    expect(() => provider({ timeoutMs: -1 })).toThrow(RangeError);
  });

  it('trims a model answer that runs into the text after the cursor', async () => {
    server.reply('/v1/completions', completion('value)'));
    const code = 'print()\n';
    const answer = await provider().complete({ code, cursorPosition: 'print('.length, language: 'python' }, signal());
    expect(answer.suggestion).toBe('value');
  });
});
