import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LastOpenedRecorder } from './last-opened.js';

const log = pino({ level: 'silent' });

/** A touchRooms that records its calls and answers only when the test says so. */
function heldStore() {
  const calls: { ids: string[]; openedAt: number; settle: (error?: Error) => void }[] = [];
  return {
    calls,
    touchRooms: (ids: readonly string[], openedAt: number) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ ids: [...ids], openedAt, settle: (error) => (error ? reject(error) : resolve()) });
      }),
  };
}

describe('LastOpenedRecorder', () => {
  it('never makes the caller wait, keeps one write in flight and puts rooms noted meanwhile into the next', async () => {
    const store = heldStore();
    let now = 1_000;
    const recorder = new LastOpenedRecorder({ store, log, now: () => now });
    recorder.roomOpened('a');
    expect(store.calls.map((call) => call.ids)).toEqual([['a']]);
    now = 2_000;
    recorder.roomOpened('b');
    recorder.roomOpened('c');
    recorder.roomOpened('b');
    expect(store.calls).toHaveLength(1);

    store.calls[0]?.settle();
    await new Promise((r) => setImmediate(r));
    expect(store.calls.map(({ ids, openedAt }) => ({ ids, openedAt }))).toEqual([
      { ids: ['a'], openedAt: 1_000 },
      { ids: ['b', 'c'], openedAt: 2_000 },
    ]);
    let idle = false;
    const waiting = recorder.idle().then(() => {
      idle = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    store.calls[1]?.settle();
    await waiting;
  });

  it('a failed write is logged, not retried, and later rooms are still written', async () => {
    const store = heldStore();
    const warnings: unknown[] = [];
    const recorder = new LastOpenedRecorder({
      store,
      log: { warn: (...args: unknown[]) => void warnings.push(args) } as unknown as typeof log,
    });
    recorder.roomOpened('a');
    store.calls[0]?.settle(new Error('disk full'));
    await recorder.idle();
    expect(warnings).toHaveLength(1);
    recorder.roomOpened('b');
    expect(store.calls.map((call) => call.ids)).toEqual([['a'], ['b']]);
    store.calls[1]?.settle();
    await recorder.idle();
  });

  it('writes when the rooms were noted, not when the write got its turn', async () => {
    const store = heldStore();
    let now = 1_000;
    const recorder = new LastOpenedRecorder({ store, log, now: () => now });
    recorder.roomOpened('a');
    now = 2_000;
    recorder.roomOpened('b');
    now = 9_000;
    store.calls[0]?.settle();
    await new Promise((r) => setImmediate(r));
    expect(store.calls[1]).toMatchObject({ ids: ['b'], openedAt: 2_000 });
    store.calls[1]?.settle();
    await recorder.idle();
  });

  it('a room noted the moment a write finishes starts the next write', async () => {
    const written: string[][] = [];
    const recorder = new LastOpenedRecorder({
      store: {
        touchRooms: async (ids) => {
          written.push([...ids]);
        },
      },
      log,
    });
    recorder.roomOpened('a');
    await recorder.idle();
    recorder.roomOpened('b');
    await recorder.idle();
    expect(written).toEqual([['a'], ['b']]);
  });
});
