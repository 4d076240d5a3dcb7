import type * as Y from 'yjs';
import type { TestClient } from './clients.js';

/**
 * A person typing at a steady pace into a stock client, each keystroke a unique token at the end of
 * the text and a cursor move in its awareness state (as y-monaco sends), and the time each token
 * takes to show up at another client.
 */
export interface TypingRun {
  /** Tokens typed so far. */
  readonly typed: number;
  /** Each keystroke seen so far at the watcher: when it was typed (performance.now()) and how long it took to arrive. */
  readonly arrivals: { typedAt: number; latencyMs: number }[];
  /** Stops typing; resolves once every token typed has reached the watcher. */
  stop(): Promise<void>;
}

const TOKEN = /⟨\d+⟩/g;

export function startTyping(typist: TestClient, watcher: TestClient, keysPerSecond: number): TypingRun {
  const sentAt = new Map<string, number>();
  const arrivals: { typedAt: number; latencyMs: number }[] = [];
  const onChange = (event: Y.YTextEvent): void => {
    const arrived = performance.now();
    for (const op of event.delta) {
      if (typeof op.insert !== 'string') continue;
      for (const [token] of op.insert.matchAll(TOKEN)) {
        const at = sentAt.get(token);
        if (at === undefined) continue;
        arrivals.push({ typedAt: at, latencyMs: arrived - at });
        sentAt.delete(token);
      }
    }
  };
  watcher.text.observe(onChange);
  let typed = 0;
  const timer = setInterval(() => {
    const token = `⟨${typed++}⟩`;
    sentAt.set(token, performance.now());
    typist.text.insert(typist.text.length, token);
    typist.provider.awareness.setLocalStateField('cursor', { index: typist.text.length });
  }, 1000 / keysPerSecond);

  return {
    get typed() {
      return typed;
    },
    arrivals,
    async stop() {
      clearInterval(timer);
      const deadline = Date.now() + 10_000;
      while (sentAt.size > 0) {
        if (Date.now() > deadline) throw new Error(`${sentAt.size} typed tokens never reached the watcher`);
        await new Promise((r) => setTimeout(r, 20));
      }
      watcher.text.unobserve(onChange);
    },
  };
}

/** Moves the cursor (an awareness update, sent at once by y-websocket) `perSecond` times a second until stopped. */
export function moveCursor(c: TestClient, perSecond: number): () => void {
  let position = 0;
  const timer = setInterval(
    () => c.provider.awareness.setLocalStateField('selection', { anchor: position++, head: position }),
    1000 / perSecond,
  );
  return () => clearInterval(timer);
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Resolves with every close code the client's provider sees until `stop` is called. */
export function recordCloses(c: TestClient): { codes: number[]; stop(): void } {
  const codes: number[] = [];
  const onClose = (event: { code: number } | null): void => {
    codes.push(event?.code ?? 0);
  };
  c.provider.on('connection-close', onClose);
  return { codes, stop: () => c.provider.off('connection-close', onClose) };
}
