import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import type { TimelinePage, TimelineText } from '@pairwise/protocol';
import { MAX_GAP_MS, type PlayablePoint, type TimelineSource, TimelinePlayer, waitBetween } from './timelinePlayer';

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const START = Date.parse('2026-01-01T10:00:00Z');

/** A room typed one step at a time, with seqs 10, 20, 30... (other rooms' numbers in between). */
function typedRoom(steps: readonly string[], gapsMs: readonly number[] = []) {
  const doc = new Y.Doc();
  const text = doc.getText(CODE_TEXT);
  const points: PlayablePoint[] = [];
  const states: string[] = [];
  let at = START;
  steps.forEach((step, i) => {
    let update: Uint8Array = new Uint8Array();
    const grab = (u: Uint8Array) => {
      update = u;
    };
    doc.once('update', grab);
    text.insert(text.length, step);
    at += gapsMs[i] ?? 100;
    points.push({
      seq: (i + 1) * 10,
      at: new Date(at).toISOString(),
      author: 'a',
      inserted: step.length,
      deleted: 0,
      paste: step.length > 20,
      update: toBase64(update),
    });
    states.push(toBase64(Y.encodeStateAsUpdate(doc)));
  });
  return { points, states, texts: steps.map((_, i) => steps.slice(0, i + 1).join('')) };
}

function sourceOf(room: ReturnType<typeof typedRoom>, pageSize: number) {
  const calls: string[] = [];
  const firstSeq = room.points[0]?.seq ?? 0;
  const lastSeq = room.points.at(-1)?.seq ?? 0;
  const source: TimelineSource = {
    async page(after): Promise<TimelinePage> {
      calls.push(`page ${after}`);
      const points = room.points.filter((p) => p.seq > after).slice(0, pageSize);
      const nextAfter = points.length === pageSize ? (points.at(-1)?.seq ?? null) : null;
      return { points, authors: [{ id: 'a', name: 'Ada', color: '#f00' }], firstSeq, lastSeq, nextAfter };
    },
    async moment(seq): Promise<TimelineText> {
      calls.push(`moment ${seq}`);
      const index = room.points.findIndex((p) => p.seq === seq);
      return { seq, at: room.points[index]!.at, code: room.texts[index]!, state: room.states[index]! };
    },
  };
  return { source, calls };
}

describe('TimelinePlayer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('steps through every point in order, loading pages as it goes, never the whole history', async () => {
    const room = typedRoom(['a', 'b', 'c', 'd', 'e']);
    const { source, calls } = sourceOf(room, 2);
    const player = new TimelinePlayer(source);
    await player.open();
    const seen = [player.state.code];
    while (await player.step()) seen.push(player.state.code);
    expect(seen).toEqual(room.texts);
    expect(player.state.atEnd).toBe(true);
    expect(calls).toEqual(['page 0', 'page 20', 'page 40']);
    expect(player.state.authors.get('a')?.name).toBe('Ada');
    player.dispose();
  });

  it('jumps to a moment from its full state and plays on from there', async () => {
    const room = typedRoom(['one ', 'two ', 'three ', 'four ']);
    const { source } = sourceOf(room, 2);
    const player = new TimelinePlayer(source);
    await player.open();
    // 25 falls between two points of this room: the next one is shown.
    await player.seek(25);
    expect(player.state.point?.seq).toBe(30);
    expect(player.state.code).toBe('one two three ');
    expect(await player.step()).toBe(true);
    expect(player.state.code).toBe('one two three four ');
    await player.seek(10);
    expect(player.state.code).toBe('one ');
    player.dispose();
  });

  it('plays with real gaps capped and scaled by the speed, and stops at the end', async () => {
    vi.useFakeTimers();
    const room = typedRoom(['x', 'y', 'z'], [0, 60_000, 200]);
    const { source } = sourceOf(room, 10);
    const player = new TimelinePlayer(source);
    await player.open();
    player.setSpeed(2);
    player.play();
    // The one-minute pause is compressed to MAX_GAP_MS, halved at 2x.
    await vi.advanceTimersByTimeAsync(MAX_GAP_MS / 2 - 1);
    expect(player.state.code).toBe('x');
    await vi.advanceTimersByTimeAsync(1);
    expect(player.state.code).toBe('xy');
    await vi.advanceTimersByTimeAsync(100);
    expect(player.state.code).toBe('xyz');
    await vi.advanceTimersByTimeAsync(10);
    expect(player.state).toMatchObject({ playing: false, atEnd: true });
    player.dispose();
  });

  it('pause stops at the point shown', async () => {
    vi.useFakeTimers();
    const room = typedRoom(['1', '2', '3']);
    const { source } = sourceOf(room, 10);
    const player = new TimelinePlayer(source);
    await player.open();
    player.play();
    await vi.advanceTimersByTimeAsync(100);
    player.pause();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(player.state.code).toBe('12');
    player.dispose();
  });

  it('holds only the pages ahead of it in a room of 100,000 changes', async () => {
    const TOTAL = 100_000;
    const PAGE = 500;
    const requested: number[] = [];
    const player = new TimelinePlayer({
      async page(after) {
        requested.push(after);
        const points = Array.from({ length: Math.max(0, Math.min(PAGE, TOTAL - after)) }, (_, i) => ({
          seq: after + i + 1,
          at: new Date(START + after + i).toISOString(),
          author: 'a',
          inserted: 1,
          deleted: 0,
          paste: false,
        }));
        return { points, authors: [], firstSeq: 1, lastSeq: TOTAL, nextAfter: after + PAGE < TOTAL ? after + PAGE : null };
      },
      moment: () => Promise.reject(new Error('unused')),
    });
    await player.open();
    for (let i = 0; i < 1_200; i++) await player.step();
    expect(player.state.point?.seq).toBe(1_201);
    // Three pages read for 1,201 points (the next one fetched ahead), not two hundred.
    expect(requested).toEqual([0, 500, 1_000]);
    player.dispose();
  });

  it('reports a failed page instead of throwing', async () => {
    const player = new TimelinePlayer({
      page: () => Promise.reject(new Error('history is for owners')),
      moment: () => Promise.reject(new Error('unused')),
    });
    await player.open();
    expect(player.state).toMatchObject({ error: 'history is for owners', point: null, playing: false });
    player.dispose();
  });
});

describe('waitBetween', () => {
  const at = (ms: number) => ({ seq: 1, at: new Date(START + ms).toISOString(), author: null, inserted: 1, deleted: 0, paste: false });
  it('is the real gap, capped, divided by the speed', () => {
    expect(waitBetween(at(0), at(300), 1)).toBe(300);
    expect(waitBetween(at(0), at(300), 10)).toBe(30);
    expect(waitBetween(at(0), at(3_600_000), 1)).toBe(MAX_GAP_MS);
    expect(waitBetween(at(500), at(0), 1)).toBe(0);
  });
});
