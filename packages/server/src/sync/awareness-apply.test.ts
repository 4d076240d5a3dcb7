import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { applyAwarenessEntries } from './awareness-apply.js';
import { decodeAwarenessUpdate, encodeAwarenessEntries, type AwarenessEntry } from './awareness-update.js';

const OWN_ID = 7;

interface Observed {
  awareness: awarenessProtocol.Awareness;
  events: unknown[];
}

/** An Awareness whose own client id is OWN_ID, recording the events it emits ('update' alone, as the server listens, or both). */
function observed(localState: Record<string, unknown> | null, listens: 'update' | 'change and update'): Observed {
  const doc = new Y.Doc();
  doc.clientID = OWN_ID;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(localState);
  const events: unknown[] = [];
  if (listens === 'change and update')
    awareness.on('change', (change: unknown, origin: unknown) => events.push(['change', change, origin]));
  awareness.on('update', (change: unknown, origin: unknown) => events.push(['update', change, origin]));
  return { awareness, events };
}

/** States and clocks, without the wall-clock `lastUpdated`. */
function snapshot({ awareness }: Observed): unknown {
  return {
    states: [...awareness.getStates()].sort(([a], [b]) => a - b),
    clocks: [...awareness.meta].map(([id, meta]) => [id, meta.clock]).sort(([a], [b]) => (a ?? 0) - (b ?? 0)),
  };
}

/** A small deterministic generator (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Entries over a few ids (the instance's own among them) with clocks that go back, repeat and jump. */
function randomEntries(next: () => number): AwarenessEntry[] {
  const count = 1 + Math.floor(next() * 3);
  return Array.from({ length: count }, () => {
    const clientId = [OWN_ID, 1, 2, 3][Math.floor(next() * 4)] ?? 1;
    const clock = Math.floor(next() * 6);
    const roll = next();
    const state = roll < 0.25 ? null : roll < 0.5 ? { cursor: 1 } : { cursor: Math.floor(next() * 3), user: { name: 'Ada' } };
    const stateJson = JSON.stringify(state);
    return { clientId, clock, stateJson, state, removed: state === null };
  });
}

describe('applyAwarenessEntries', () => {
  for (const [localState, listens] of [
    [null, 'change and update'],
    [{ user: { name: 'server' } }, 'change and update'],
    [null, 'update'],
  ] as const) {
    it(`ends with y-protocols' states and clocks and emits its events, entry for entry (local state ${JSON.stringify(localState)}, listening to ${listens})`, () => {
      for (let seed = 1; seed <= 50; seed++) {
        const next = random(seed);
        const stock = observed(localState, listens);
        const ours = observed(localState, listens);
        for (let step = 0; step < 40; step++) {
          const entries = randomEntries(next);
          const update = encodeAwarenessEntries(entries);
          awarenessProtocol.applyAwarenessUpdate(stock.awareness, update, 'origin');
          applyAwarenessEntries(ours.awareness, decodeAwarenessUpdate(update), 'origin');
          expect(snapshot(ours), `seed ${seed}, step ${step}`).toEqual(snapshot(stock));
        }
        expect(ours.events, `seed ${seed}`).toEqual(stock.events);
        expect(ours.events.length).toBeGreaterThan(0);
        stock.awareness.destroy();
        ours.awareness.destroy();
      }
    });
  }

  it('stamps the time of the change, which the awareness timeout reads', () => {
    const { awareness } = observed(null, 'update');
    const before = Date.now();
    applyAwarenessEntries(awareness, [{ clientId: 1, clock: 1, state: { cursor: 1 } }], null);
    expect(awareness.meta.get(1)?.lastUpdated).toBeGreaterThanOrEqual(before);
    awareness.destroy();
  });
});
