import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { HistoryAuthor, RunDetails } from '@pairwise/protocol';
import { RUNS_PAGE_MAX, TIMELINE_PAGE_MAX } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { apiErrorMessage } from '../share/useApiAction';
import { type Lane, LaneMarks } from './laneMarks';
import { type PlacedRun, RunPlacer } from './runPlacement';
import { INITIAL_PLAYER_STATE, TimelinePlayer } from './timelinePlayer';

/** Points per playback page: each carries its update, so smaller than the lanes' pages. */
const PLAYBACK_PAGE = 500;
/** Runs the timeline shows at most, the newest (each holds up to 64 KB of output). */
export const TIMELINE_RUNS_MAX = 200;

/**
 * A player for the room's timeline, created and opened by the effect and disposed by its cleanup
 * (so a remount, as StrictMode does, gets a fresh one); null until then.
 */
export function useTimelinePlayer(roomId: string, credentials: RoomCredentials) {
  const api = useApi();
  const [player, setPlayer] = useState<TimelinePlayer | null>(null);
  useEffect(() => {
    const created = new TimelinePlayer({
      page: (after) => api.timeline(roomId, { after, limit: PLAYBACK_PAGE, updates: true }, { credentials }),
      moment: (seq) => api.timelineMoment(roomId, seq, { credentials }),
    });
    setPlayer(created);
    void created.open();
    return () => created.dispose();
  }, [api, roomId, credentials]);
  const subscribe = useCallback((listener: () => void) => player?.subscribe(listener) ?? (() => undefined), [player]);
  const state = useSyncExternalStore(subscribe, () => player?.state ?? INITIAL_PLAYER_STATE);
  return { player, state };
}

export interface TimelineRuns {
  /** Newest first; null while loading. */
  runs: RunDetails[] | null;
  /** The room has older runs than these (past TIMELINE_RUNS_MAX). */
  more: boolean;
  error: string | null;
}

/** The room's runs for the player, read once when it opens (like its range), newest first, page by page. */
export function useTimelineRuns(roomId: string, credentials: RoomCredentials): TimelineRuns {
  const api = useApi();
  const [result, setResult] = useState<TimelineRuns>({ runs: null, more: false, error: null });
  useEffect(() => {
    const controller = new AbortController();
    void (async () => {
      const runs: RunDetails[] = [];
      let before: string | null = null;
      do {
        const page = await api.listRuns(roomId, { before, limit: RUNS_PAGE_MAX }, { credentials, signal: controller.signal });
        runs.push(...page.runs);
        before = page.nextBefore;
      } while (before !== null && runs.length < TIMELINE_RUNS_MAX);
      setResult({ runs: runs.slice(0, TIMELINE_RUNS_MAX), more: before !== null, error: null });
    })().catch((err: unknown) => {
      // The lanes and playback work without them: the player says runs are missing.
      if (!controller.signal.aborted) setResult({ runs: [], more: false, error: apiErrorMessage(err, 'Could not load the runs.') });
    });
    return () => controller.abort();
  }, [api, roomId, credentials]);
  return result;
}

/**
 * The lanes under the player and the runs placed along them: the whole timeline read once in the
 * background, in large pages without updates, folded into fixed slots as it goes (nothing but the
 * slots and the runs is kept). It starts once `runs` has loaded, since each run is placed at the
 * first point at or after its start as the points stream by.
 */
export function useLanes(
  roomId: string,
  credentials: RoomCredentials,
  range: { firstSeq: number; lastSeq: number },
  runs: readonly RunDetails[] | null,
) {
  const api = useApi();
  const [result, setResult] = useState<{ lanes: Lane[]; authors: Map<string, HistoryAuthor>; runs: PlacedRun[]; done: boolean }>({
    lanes: [],
    authors: new Map(),
    runs: [],
    done: false,
  });
  const { firstSeq, lastSeq } = range;

  useEffect(() => {
    if (lastSeq === 0 || runs === null) return;
    const controller = new AbortController();
    const marks = new LaneMarks(firstSeq, lastSeq);
    const placer = new RunPlacer(runs, firstSeq, lastSeq);
    const authors = new Map<string, HistoryAuthor>();
    void (async () => {
      for (let after: number | null = firstSeq - 1; after !== null && after < lastSeq; ) {
        const page = await api.timeline(
          roomId,
          { after, limit: TIMELINE_PAGE_MAX, updates: false },
          { credentials, signal: controller.signal },
        );
        const inRange = page.points.filter((point) => point.seq <= lastSeq);
        marks.add(inRange);
        placer.add(inRange);
        for (const author of page.authors) authors.set(author.id, author);
        setResult({ lanes: marks.rows(), authors: new Map(authors), runs: placer.runs(), done: false });
        after = page.nextAfter;
      }
      placer.finish();
      setResult({ lanes: marks.rows(), authors, runs: placer.runs(), done: true });
    })().catch(() => {
      // Aborted, or the history is out of reach: the lanes stay as far as they got.
    });
    return () => controller.abort();
  }, [api, roomId, credentials, firstSeq, lastSeq, runs]);

  return result;
}
