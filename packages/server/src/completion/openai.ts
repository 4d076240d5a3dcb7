import type { AutocompleteResponse, CompletionRunsOn, CompletionItem } from '@pairwise/protocol';
import { LruCache } from './lru.js';
import { chatText, cleanAnswer, completionText } from './model-answer.js';
import { buildPrompt, chatBody, fimBody } from './model-prompt.js';
import type { ModelPrompt } from './model-prompt.js';
import { emptyResponse } from '@pairwise/complete';
import type { CompletionProvider, CompletionRequest } from './provider.js';

export interface OpenAiCompletionOptions {
  /** Server root, e.g. `https://api.openai.com` or `http://127.0.0.1:11434`; `/v1/...` is appended. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Past this the model is abandoned and the fallback answers. */
  timeoutMs: number;
  /** Answers when the model cannot, and supplies the rest of the suggestion list. */
  fallback: CompletionProvider;
  fetch?: typeof fetch;
  /** Identical requests remembered (default 64; 0 disables). */
  cacheSize?: number;
}

type Mode = 'unknown' | 'fim' | 'chat';
/** Statuses meaning "this server has no fill-in-the-middle completions endpoint", not "the request failed". */
const FIM_UNSUPPORTED = new Set([400, 404, 501]);
const DEFAULT_CACHE_SIZE = 64;
const MAX_LABEL = 60;

/**
 * Completion from any OpenAI-compatible server. Never throws except with the caller's abort
 * reason: a slow, failing or nonsensical model yields the fallback's answer instead.
 */
export class OpenAiCompletionProvider implements CompletionProvider {
  readonly runsOn: CompletionRunsOn = 'server';
  readonly #options: OpenAiCompletionOptions;
  readonly #fetch: typeof fetch;
  readonly #cache: LruCache<string, string>;
  readonly #baseUrl: string;
  /** Learned from the server: chat once it has rejected fill-in-the-middle. */
  #mode: Mode = 'unknown';

  constructor(options: OpenAiCompletionOptions) {
    // AbortSignal.timeout throws on anything but a whole, non-negative number: fail at startup, not per request.
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs < 0) {
      throw new RangeError(`timeoutMs must be a non-negative number, got ${options.timeoutMs}`);
    }
    this.#options = { ...options, timeoutMs: Math.floor(options.timeoutMs) };
    this.#fetch = options.fetch ?? fetch;
    this.#cache = new LruCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async complete(request: CompletionRequest, signal: AbortSignal): Promise<AutocompleteResponse> {
    signal.throwIfAborted();
    const local = this.#fallback(request, signal);
    const prompt = buildPrompt(request);
    const key = JSON.stringify([this.#options.model, prompt.language, prompt.prefix, prompt.suffix]);
    let answer = this.#cache.get(key) ?? null;
    if (answer === null) {
      answer = await this.#ask(prompt, signal);
      if (answer !== null) this.#cache.set(key, answer);
    }
    const fallback = await local;
    signal.throwIfAborted();
    return answer === null || answer === '' ? fallback : withModelAnswer(answer, fallback);
  }

  /** The fallback's answer; never rejects, so it can run alongside the model request. */
  async #fallback(request: CompletionRequest, signal: AbortSignal): Promise<AutocompleteResponse> {
    try {
      return await this.#options.fallback.complete(request, signal);
    } catch {
      return emptyResponse();
    }
  }

  /** The model's cleaned answer, or null on timeout, error or garbage. Rejects only on caller abort. */
  async #ask(prompt: ModelPrompt, signal: AbortSignal): Promise<string | null> {
    try {
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(this.#options.timeoutMs)]);
      return await untilAborted(this.#askByMode(prompt, deadline), deadline);
    } catch {
      if (signal.aborted) throw signal.reason;
      return null;
    }
  }

  async #askByMode(prompt: ModelPrompt, signal: AbortSignal): Promise<string | null> {
    if (this.#mode !== 'chat') {
      const fim = await this.#post('/v1/completions', fimBody(this.#options.model, prompt), signal);
      if (fim !== 'unsupported') {
        if (fim !== null) this.#mode = 'fim';
        return fim === null ? null : cleanOrNull(completionText(fim), prompt, false);
      }
    }
    const chat = await this.#post('/v1/chat/completions', chatBody(this.#options.model, prompt), signal);
    if (chat === null || chat === 'unsupported') return null;
    this.#mode = 'chat';
    return cleanOrNull(chatText(chat), prompt, true);
  }

  /** Parsed JSON body of a 2xx response; 'unsupported' for a missing endpoint; null for other failures. */
  async #post(path: string, body: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    const { apiKey } = this.#options;
    if (apiKey !== undefined && apiKey !== '') headers.authorization = `Bearer ${apiKey}`;
    const init: RequestInit = { method: 'POST', headers, body: JSON.stringify(body), signal };
    const response = await this.#fetch(`${this.#baseUrl}${path}`, init);
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return path === '/v1/completions' && FIM_UNSUPPORTED.has(response.status) ? 'unsupported' : null;
    }
    return response.json().catch(() => null);
  }
}

function cleanOrNull(raw: string | null, prompt: ModelPrompt, fromChat: boolean): string | null {
  return raw === null ? null : cleanAnswer(raw, prompt, fromChat);
}

/** The model's answer leads; the fallback's items follow, minus any duplicate of it. */
function withModelAnswer(answer: string, fallback: AutocompleteResponse): AutocompleteResponse {
  const firstLine = answer.trim().split('\n')[0] ?? '';
  const label = firstLine.length > MAX_LABEL ? `${firstLine.slice(0, MAX_LABEL - 1)}…` : firstLine;
  const model: CompletionItem = { text: answer, label, kind: 'model', source: 'openai' };
  return { suggestion: answer, allSuggestions: [model, ...fallback.allSuggestions.filter((i) => i.text !== answer)] };
}

/** `work`, or a rejection as soon as `signal` aborts, even if `work` ignores the signal. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
