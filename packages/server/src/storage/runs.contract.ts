import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenedFullStore } from './accounts.contract.js';
import type { StoredRun } from './runs.js';
import { incarnationOf, room } from './store.contract.js';
import type { Store } from './store.js';

const INITIAL = new Uint8Array([1]);
const GUEST = { id: 'guest:g1', name: 'Guest “Zoë” 🙂', color: '#0891b2' };
const ids = Array.from({ length: 6 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);

function run(id: string, startedAt: number, change: Partial<StoredRun> = {}): StoredRun {
  return {
    id,
    language: 'python',
    startedBy: GUEST,
    startedAt,
    finishedAt: null,
    status: 'running',
    exitCode: null,
    durationMs: null,
    output: [],
    outputBytes: 0,
    truncated: false,
    ...change,
  };
}

/** The behaviour every RunStore implementation must show. `open` gives each test a fresh store. */
export function describeRunStoreContract(name: string, open: () => Promise<OpenedFullStore>): void {
  describe(`${name} (RunStore contract)`, () => {
    let opened: OpenedFullStore;
    let store: Store;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
      await store.createRoom(room('r', 1_000), INITIAL);
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    /** Stores a run in the room's current incarnation. */
    async function create(roomId: string, stored: StoredRun, savedAt: number): Promise<boolean> {
      return store.createRun(roomId, await incarnationOf(store, roomId), stored, savedAt);
    }

    it('stores a run, then its output and its end exactly as saved', async () => {
      const started = run(ids[0] as string, 2_000);
      expect(await create('r', started, 2_000)).toBe(true);
      expect(await store.listRuns('r', null, 10)).toEqual({ runs: [started], hasOlder: false });
      const output = [
        { stream: 'stdout' as const, text: 'héllo ✓\n' },
        { stream: 'stderr' as const, text: 'Traceback…\n\u001b[31mred\u001b[0m' },
        { stream: 'stdin' as const, text: '42\n' },
      ];
      expect(await store.saveRun('r', { ...started, output, outputBytes: 50 }, 4_000)).toBe(true);
      const ended = {
        ...started,
        output,
        outputBytes: 50,
        truncated: true,
        status: 'failed' as const,
        exitCode: 1,
        finishedAt: 5_000,
        durationMs: 3_000,
      };
      expect(await store.saveRun('r', ended, 5_000)).toBe(true);
      expect(await store.listRuns('r', null, 10)).toEqual({ runs: [ended], hasOlder: false });
    });

    it('saves only a run still running in its room: an ended run stays as it ended', async () => {
      const started = run(ids[0] as string, 2_000);
      await create('r', started, 2_000);
      await store.createRoom(room('other', 1_000), INITIAL);
      expect(await store.saveRun('other', { ...started, outputBytes: 9 }, 3_000)).toBe(false);
      const ended = { ...started, status: 'exited' as const, exitCode: 0, finishedAt: 3_000, durationMs: 1_000 };
      expect(await store.saveRun('r', ended, 3_000)).toBe(true);
      expect(await store.saveRun('r', { ...ended, status: 'running', exitCode: null }, 4_000)).toBe(false);
      expect(await store.saveRun('r', run(ids[1] as string, 2_000), 4_000)).toBe(false);
      expect((await store.listRuns('r', null, 10)).runs).toEqual([ended]);
    });

    it('refuses a run id used before, in this room or another, and a room that does not exist', async () => {
      await store.createRoom(room('other', 1_000), INITIAL);
      expect(await create('r', run(ids[0] as string, 2_000), 2_000)).toBe(true);
      expect(await create('r', run(ids[0] as string, 3_000, { language: 'javascript' }), 3_000)).toBe(false);
      expect(await create('other', run(ids[0] as string, 3_000), 3_000)).toBe(false);
      expect(await store.createRun('missing', 'any', run(ids[1] as string, 3_000), 3_000)).toBe(false);
      expect((await store.listRuns('r', null, 10)).runs.map((r) => r.language)).toEqual(['python']);
      expect(await store.listRuns('other', null, 10)).toEqual({ runs: [], hasOlder: false });
      expect(await store.listRuns('missing', null, 10)).toEqual({ runs: [], hasOlder: false });
    });

    it('pages from the newest: `before` continues with runs started earlier', async () => {
      for (let i = 1; i <= 5; i++) await create('r', run(ids[i] as string, 2_000 + i), 2_000 + i);
      const newest = await store.listRuns('r', null, 2);
      expect(newest.runs.map((r) => r.startedAt)).toEqual([2_005, 2_004]);
      expect(newest.hasOlder).toBe(true);
      const middle = await store.listRuns('r', 2_004, 2);
      expect(middle.runs.map((r) => r.startedAt)).toEqual([2_003, 2_002]);
      expect(middle.hasOlder).toBe(true);
      expect(await store.listRuns('r', 2_002, 2)).toEqual({ runs: [expect.objectContaining({ startedAt: 2_001 })], hasOlder: false });
      await expect(store.listRuns('r', null, 0)).rejects.toBeInstanceOf(RangeError);
    });

    it('ends as lost only the running runs not saved since the given time, and returns them', async () => {
      await store.createRoom(room('other', 1_000), INITIAL);
      await create('r', run(ids[0] as string, 2_000, { output: [{ stream: 'stdout', text: 'partial' }], outputBytes: 7 }), 2_000);
      await create('r', run(ids[1] as string, 2_500), 9_000);
      await create('r', run(ids[2] as string, 2_600, { status: 'exited', exitCode: 0, finishedAt: 2_700, durationMs: 100 }), 2_700);
      await create('other', run(ids[3] as string, 2_000), 2_000);
      const lost = await store.loseStaleRuns('r', 5_000, 10_000);
      const expected = run(ids[0] as string, 2_000, {
        output: [{ stream: 'stdout', text: 'partial' }],
        outputBytes: 7,
        status: 'lost',
        finishedAt: 10_000,
        durationMs: 8_000,
      });
      expect(lost).toEqual([expected]);
      expect((await store.listRuns('r', null, 10)).runs.map((r) => r.status)).toEqual(['exited', 'running', 'lost']);
      expect((await store.listRuns('other', null, 10)).runs.map((r) => r.status)).toEqual(['running']);
      expect(await store.loseStaleRuns('r', 5_000, 11_000)).toEqual([]);
    });

    it('deletes the runs with the room: a room re-created under its id starts with none', async () => {
      await create('r', run(ids[0] as string, 2_000), 2_000);
      expect(await store.deleteRoom('r', new Uint8Array([0]))).toBe(true);
      expect(await store.listRuns('r', null, 10)).toEqual({ runs: [], hasOlder: false });
      await store.createRoom(room('r', 3_000), INITIAL);
      expect(await store.listRuns('r', null, 10)).toEqual({ runs: [], hasOlder: false });
      expect(await store.saveRun('r', run(ids[0] as string, 2_000), 4_000)).toBe(false);
    });

    // Regression: a run started just before its room was deleted was stored in the room re-created under its id.
    it('refuses a run of a deleted life of the room: the room re-created under its id gets none of it', async () => {
      const deletedLife = await incarnationOf(store, 'r');
      expect(await store.deleteRoom('r', new Uint8Array([0]))).toBe(true);
      await store.createRoom(room('r', 3_000), INITIAL);
      expect(await store.createRun('r', deletedLife, run(ids[0] as string, 2_000), 4_000)).toBe(false);
      expect(await store.listRuns('r', null, 10)).toEqual({ runs: [], hasOlder: false });
      expect(await create('r', run(ids[1] as string, 5_000), 5_000)).toBe(true);
    });

    it('returns copies: changing a returned run changes nothing stored', async () => {
      const started = run(ids[0] as string, 2_000, { output: [{ stream: 'stdout', text: 'a' }], outputBytes: 1 });
      await create('r', started, 2_000);
      started.output.push({ stream: 'stdout', text: 'b' });
      const [listed] = (await store.listRuns('r', null, 10)).runs;
      listed?.output.push({ stream: 'stderr', text: 'c' });
      if (listed) listed.startedBy.name = 'mallory';
      expect((await store.listRuns('r', null, 10)).runs).toEqual([
        run(ids[0] as string, 2_000, { output: [{ stream: 'stdout', text: 'a' }], outputBytes: 1 }),
      ]);
    });
  });
}
