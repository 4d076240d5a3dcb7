import { COMPLETION_KINDS } from '@pairwise/protocol';
import type { AutocompleteBody, CompletionItem, CompletionKind } from '@pairwise/protocol';
import type { FetchLike } from '../lib/api';
import { isRecord } from '../lib/storage';

/** Used when a 429 carries no usable Retry-After. */
export const DEFAULT_RETRY_AFTER_MS = 30_000;
/** A Retry-After of hours would silently kill suggestions for the session; re-check sooner. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;
/** After a network failure or a 5xx: long enough not to hammer a sick server on every pause. */
export const FAILURE_PAUSE_MS = 5_000;
/** After a 403/404, in case the room's switch and our copy of it disagree for a moment. */
export const DISABLED_RECHECK_MS = 60_000;

export type CompletionOutcome =
  | { kind: 'ok'; suggestion: string; items: CompletionItem[] }
  /** Superseded by a newer request on the same channel, aborted, or answered too late. */
  | { kind: 'stale' }
  /** Not sent: backing off after a 429 or a failure. */
  | { kind: 'paused'; until: number }
  /** The server says suggestions are off for this room (403), or the room is gone (404). */
  | { kind: 'disabled' }
  | { kind: 'error'; status: number };

export interface CompleteOptions {
  /** Requests on one channel supersede each other; the ghost text and the list each have their own. */
  channel?: string;
  signal?: AbortSignal;
}

export interface CompletionClient {
  complete(body: AutocompleteBody, options?: CompleteOptions): Promise<CompletionOutcome>;
  /** Aborts whatever is in flight on every channel. */
  cancel(): void;
  /** Forgets a 403/404 pause, e.g. when the room's switch is turned back on. */
  resume(): void;
  dispose(): void;
}

/** Seconds or an HTTP date (RFC 9110 §10.2.3), clamped to something sensible. */
export function retryAfterMs(header: string | null, now: number): number {
  const raw = header?.trim() ?? '';
  let ms = Number.NaN;
  if (/^\d+(\.\d+)?$/.test(raw)) ms = Number(raw) * 1000;
  else if (raw !== '') ms = Date.parse(raw) - now;
  if (!Number.isFinite(ms)) return DEFAULT_RETRY_AFTER_MS;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, ms));
}

function isKind(value: unknown): value is CompletionKind {
  return typeof value === 'string' && (COMPLETION_KINDS as readonly string[]).includes(value);
}

function parseItem(value: unknown): CompletionItem | null {
  if (!isRecord(value) || typeof value.text !== 'string' || value.text === '') return null;
  return {
    text: value.text,
    label: typeof value.label === 'string' && value.label !== '' ? value.label : value.text,
    kind: isKind(value.kind) ? value.kind : 'identifier',
    source: value.source === 'openai' ? 'openai' : 'local',
  };
}

/** A malformed answer (an old server, a proxy) is treated as "nothing to suggest", never thrown. */
export function parseAnswer(body: unknown): { suggestion: string; items: CompletionItem[] } {
  if (!isRecord(body)) return { suggestion: '', items: [] };
  const suggestion = typeof body.suggestion === 'string' ? body.suggestion : '';
  const raw = Array.isArray(body.allSuggestions) ? (body.allSuggestions as unknown[]) : [];
  const items = raw.map(parseItem).filter((item): item is CompletionItem => item !== null);
  return { suggestion, items };
}

async function errorCode(res: Response): Promise<string | null> {
  try {
    const body: unknown = await res.json();
    return isRecord(body) && isRecord(body.error) && typeof body.error.code === 'string' ? body.error.code : null;
  } catch {
    return null;
  }
}

interface Channel {
  seq: number;
  controller: AbortController | null;
}

/**
 * `POST /api/autocomplete` with the bookkeeping typing needs: a new request aborts the previous
 * one on its channel, an answer that arrives after a newer request was made is dropped (sequence
 * numbers, checked after every await), and 429/403/failures pause requests instead of retrying.
 * Expected refusals are outcomes, not exceptions: nothing here logs or throws.
 */
export function createCompletionClient(
  options: { fetch?: FetchLike; baseUrl?: string; now?: () => number; headers?: () => Readonly<Record<string, string>> } = {},
): CompletionClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;
  const channels = new Map<string, Channel>();
  let pause: { until: number; disabled: boolean } | null = null;
  let disposed = false;

  const pauseFor = (ms: number, disabled = false): number => {
    pause = { until: now() + ms, disabled };
    return pause.until;
  };

  async function complete(body: AutocompleteBody, opts: CompleteOptions = {}): Promise<CompletionOutcome> {
    if (disposed || opts.signal?.aborted) return { kind: 'stale' };
    if (pause && now() < pause.until) return pause.disabled ? { kind: 'disabled' } : { kind: 'paused', until: pause.until };
    pause = null;

    const name = opts.channel ?? 'default';
    const channel = channels.get(name) ?? { seq: 0, controller: null };
    channels.set(name, channel);
    channel.controller?.abort();
    const seq = ++channel.seq;
    const controller = new AbortController();
    channel.controller = controller;
    const onAbort = () => controller.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const current = () => !disposed && channel.seq === seq && !controller.signal.aborted;

    try {
      let res: Response;
      try {
        res = await doFetch(`${baseUrl}/api/autocomplete`, {
          method: 'POST',
          headers: { ...options.headers?.(), accept: 'application/json', 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: controller.signal,
        });
      } catch {
        if (!current()) return { kind: 'stale' };
        pauseFor(FAILURE_PAUSE_MS);
        return { kind: 'error', status: 0 };
      }
      if (!current()) return { kind: 'stale' };

      if (res.status === 429) {
        return { kind: 'paused', until: pauseFor(retryAfterMs(res.headers.get('retry-after'), now())) };
      }
      if (res.status === 403 || res.status === 404) {
        const code = await errorCode(res);
        if (res.status === 404 || code === 'completions_disabled') {
          pauseFor(DISABLED_RECHECK_MS, true);
          return { kind: 'disabled' };
        }
        return { kind: 'error', status: res.status };
      }
      if (!res.ok) {
        if (res.status >= 500) pauseFor(FAILURE_PAUSE_MS);
        return { kind: 'error', status: res.status };
      }

      let answer: unknown;
      try {
        answer = await res.json();
      } catch {
        return current() ? { kind: 'error', status: res.status } : { kind: 'stale' };
      }
      if (!current()) return { kind: 'stale' };
      return { kind: 'ok', ...parseAnswer(answer) };
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      if (channel.controller === controller) channel.controller = null;
    }
  }

  const cancel = () => {
    for (const channel of channels.values()) {
      channel.controller?.abort();
      channel.controller = null;
      // Bumped so an answer already being parsed is dropped as well.
      channel.seq++;
    }
  };

  return {
    complete,
    cancel,
    resume: () => {
      if (pause?.disabled) pause = null;
    },
    dispose: () => {
      cancel();
      disposed = true;
    },
  };
}
