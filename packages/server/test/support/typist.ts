import type * as Y from 'yjs';
import type { TestClient } from './clients.js';

/**
 * A person typing at a steady pace (see `paced`) into a stock client, each keystroke a unique token at
 * the end of the text and a cursor move in its awareness state (as y-monaco sends), and the time each
 * token takes to show up at another client.
 */
export interface TypingRun {
  /** Tokens typed so far. */
  readonly typed: number;
  /** Resolves once `keys` tokens are typed (never when typing until stopped). */
  readonly done: Promise<void>;
  /** Each keystroke seen so far at the watcher: when it was typed (performance.now()) and how long it took to arrive. */
  readonly arrivals: { typedAt: number; latencyMs: number }[];
  /** Stops typing; resolves once every token typed has reached the watcher. */
  stop(): Promise<void>;
}

const TOKEN = /⟨\d+⟩/g;

export function startTyping(typist: TestClient, watcher: TestClient, keysPerSecond: number, keys = Number.POSITIVE_INFINITY): TypingRun {
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
  const typing = paced(keysPerSecond, keys, () => {
    const token = `⟨${typed++}⟩`;
    sentAt.set(token, performance.now());
    typist.text.insert(typist.text.length, token);
    typist.provider.awareness.setLocalStateField('cursor', { index: typist.text.length });
  });

  return {
    get typed() {
      return typed;
    },
    done: typing.done,
    arrivals,
    async stop() {
      typing.stop();
      // Generous: this waits for delivery on a machine that may be loaded; latency is judged from `arrivals`.
      const deadline = Date.now() + 30_000;
      while (sentAt.size > 0) {
        if (Date.now() > deadline) throw new Error(`${sentAt.size} typed tokens never reached the watcher`);
        await new Promise((r) => setTimeout(r, 20));
      }
      watcher.text.unobserve(onChange);
    },
  };
}

/**
 * Moves the cursor (an awareness update, sent at once by y-websocket) `count` times at `perSecond`;
 * `done` resolves after the last move.
 */
export function moveCursor(c: TestClient, perSecond: number, count: number): Paced {
  let position = 0;
  return paced(perSecond, count, () => c.provider.awareness.setLocalStateField('selection', { anchor: position++, head: position }));
}

/** A generator of `count` actions at a steady rate; see `paced`. */
export interface Paced {
  /** Resolves after the last action (never for an endless one). */
  readonly done: Promise<void>;
  stop(): void;
}

/**
 * Calls `act` `count` times at `perSecond` on average, on a schedule fixed at the start: a timer that
 * fires late (a loaded machine) catches up with the schedule rather than slowing the pace, so the
 * traffic is what the test says it is, however busy the machine.
 */
export function paced(perSecond: number, count: number, act: () => void): Paced {
  const startedAt = performance.now();
  const intervalMs = 1000 / perSecond;
  let taken = 0;
  let timer: NodeJS.Timeout | undefined;
  let finish = (): void => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const tick = (): void => {
    const due = Math.min(count, Math.floor((performance.now() - startedAt) / intervalMs) + 1);
    while (taken < due) {
      taken++;
      act();
    }
    if (taken < count) timer = setTimeout(tick, Math.max(0, startedAt + taken * intervalMs - performance.now()));
    else finish();
  };
  tick();
  return { done, stop: () => clearTimeout(timer) };
}

/** Counts the frames a stock client's socket sends from now on: what the server's allowance for it counts. */
export function countFramesSent(c: TestClient): { readonly count: number } {
  const ws = c.provider.ws;
  if (!ws) throw new Error('the client has no socket to count frames on');
  const send = ws.send.bind(ws);
  let count = 0;
  ws.send = (data) => {
    count++;
    send(data);
  };
  return {
    get count() {
      return count;
    },
  };
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
