import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import type { HistoryAuthor, TimelinePage, TimelinePoint, TimelineText } from '@pairwise/protocol';

export type PlayablePoint = TimelinePoint & { update?: string };

/** Where the player reads the timeline: `page` with each point's update, `moment` with the full state. */
export interface TimelineSource {
  page(after: number): Promise<TimelinePage>;
  moment(seq: number): Promise<TimelineText>;
}

export const PLAYBACK_SPEEDS = [1, 2, 5, 10] as const;
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];

/** Idle gaps are compressed: at 1x no wait between two points is longer than this. */
export const MAX_GAP_MS = 1_000;
/** Fetch the next page once this few points are left, so playing never waits on the network. */
const PREFETCH_BELOW = 100;

export interface PlayerState {
  loading: boolean;
  error: string | null;
  playing: boolean;
  speed: PlaybackSpeed;
  /** The scrubber's range: the room's whole history (grows while the room is edited). */
  firstSeq: number;
  lastSeq: number;
  /** The point shown; null before the first loads or when the history is empty. */
  point: PlayablePoint | null;
  code: string;
  /** No point after this one (as far as the server knew when last asked). */
  atEnd: boolean;
  /** Everyone seen in the pages loaded so far, by id. */
  authors: ReadonlyMap<string, HistoryAuthor>;
}

export const INITIAL_PLAYER_STATE: PlayerState = {
  loading: true,
  error: null,
  playing: false,
  speed: 1,
  firstSeq: 0,
  lastSeq: 0,
  point: null,
  code: '',
  atEnd: false,
  authors: new Map(),
};

/** The wait before showing `next` after `current`: real time, capped, scaled by the speed. */
export function waitBetween(current: TimelinePoint, next: TimelinePoint, speed: PlaybackSpeed): number {
  const gap = Math.max(0, Date.parse(next.at) - Date.parse(current.at));
  return Math.min(gap, MAX_GAP_MS) / speed;
}

export function decodeBase64(value: string): Uint8Array {
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Replays a room's timeline on a local Y.Doc, page by page: only the points not yet shown are
 * held (at most about two pages), never the whole history. A jump starts from the server's full
 * state at that point. Framework-free; the React side subscribes to `state`.
 */
export class TimelinePlayer {
  private doc = new Y.Doc();
  private upcoming: PlayablePoint[] = [];
  private nextAfter: number | null = 0;
  private fetching: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every jump and by dispose: answers for an older position are dropped. */
  private generation = 0;
  private readonly listeners = new Set<() => void>();
  private current: PlayerState = INITIAL_PLAYER_STATE;

  constructor(private readonly source: TimelineSource) {}

  get state(): PlayerState {
    return this.current;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads the first page and shows the first point. */
  async open(): Promise<void> {
    const generation = this.generation;
    await this.loadMore(generation);
    if (generation === this.generation) await this.step();
  }

  /** Shows the next point; false at the end. */
  async step(): Promise<boolean> {
    const generation = this.generation;
    if (this.upcoming.length === 0 && this.nextAfter !== null) await this.loadMore(generation);
    if (generation !== this.generation) return false;
    const point = this.upcoming.shift();
    if (!point) {
      this.set({ atEnd: true, playing: false, loading: false });
      this.stopTimer();
      return false;
    }
    if (point.update) Y.applyUpdate(this.doc, decodeBase64(point.update));
    this.set({ point, code: this.text(), atEnd: this.upcoming.length === 0 && this.nextAfter === null, loading: false });
    if (this.upcoming.length < PREFETCH_BELOW && this.nextAfter !== null && !this.fetching) void this.loadMore(generation);
    return true;
  }

  /** Plays on from the point shown; from the start again when at the end. */
  play(): void {
    if (this.current.playing) return;
    this.set({ playing: true });
    if (this.current.atEnd) void this.seek(this.current.firstSeq);
    else this.schedule();
  }

  pause(): void {
    this.stopTimer();
    this.set({ playing: false });
  }

  setSpeed(speed: PlaybackSpeed): void {
    this.set({ speed });
    if (this.current.playing) this.schedule();
  }

  /**
   * Shows the first point at or after `seq` (the scrubber's range holds other rooms' numbers too),
   * built from the server's full state there; playing carries on from it.
   */
  async seek(seq: number): Promise<void> {
    const generation = ++this.generation;
    this.stopTimer();
    this.fetching = null;
    this.set({ loading: true, error: null });
    try {
      const target = Math.min(Math.max(seq, this.current.firstSeq), this.current.lastSeq);
      const page = await this.source.page(Math.max(0, target - 1));
      if (generation !== this.generation) return;
      const [first, ...rest] = page.points;
      if (!first) {
        this.set({ loading: false, atEnd: true, playing: false });
        return;
      }
      const moment = await this.source.moment(first.seq);
      if (generation !== this.generation) return;
      this.doc.destroy();
      this.doc = new Y.Doc();
      if (moment.state) Y.applyUpdate(this.doc, decodeBase64(moment.state));
      this.upcoming = rest;
      this.nextAfter = page.nextAfter;
      this.takePage(page);
      this.set({ point: first, code: this.text(), loading: false, atEnd: rest.length === 0 && page.nextAfter === null });
      if (this.current.playing) this.schedule();
    } catch (error) {
      if (generation === this.generation) this.fail(error);
    }
  }

  dispose(): void {
    this.generation++;
    this.stopTimer();
    this.listeners.clear();
    this.doc.destroy();
  }

  private schedule(): void {
    this.stopTimer();
    const { point, speed } = this.current;
    const next = this.upcoming[0];
    const wait = point && next ? waitBetween(point, next, speed) : 0;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.step().then((stepped) => {
        if (stepped && this.current.playing) this.schedule();
      });
    }, wait);
  }

  private stopTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private loadMore(generation: number): Promise<void> {
    const after = this.nextAfter;
    if (after === null) return Promise.resolve();
    this.fetching ??= this.source
      .page(after)
      .then((page) => {
        if (generation !== this.generation) return;
        this.upcoming.push(...page.points);
        this.nextAfter = page.nextAfter;
        this.takePage(page);
      })
      .catch((error: unknown) => {
        if (generation === this.generation) this.fail(error);
      })
      .finally(() => {
        if (generation === this.generation) this.fetching = null;
      });
    return this.fetching;
  }

  private takePage(page: TimelinePage): void {
    const authors = new Map(this.current.authors);
    for (const author of page.authors) authors.set(author.id, author);
    this.set({ authors, firstSeq: page.firstSeq, lastSeq: page.lastSeq });
  }

  private fail(error: unknown): void {
    this.stopTimer();
    this.set({ loading: false, playing: false, error: error instanceof Error ? error.message : 'Could not load the history.' });
  }

  private text(): string {
    return this.doc.getText(CODE_TEXT).toString();
  }

  private set(change: Partial<PlayerState>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener();
  }
}
