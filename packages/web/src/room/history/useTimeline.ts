import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { HistoryAuthor } from '@pairwise/protocol';
import { TIMELINE_PAGE_MAX } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { type Lane, LaneMarks } from './laneMarks';
import { INITIAL_PLAYER_STATE, TimelinePlayer } from './timelinePlayer';

/** Points per playback page: each carries its update, so smaller than the lanes' pages. */
const PLAYBACK_PAGE = 500;

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

/**
 * The lanes under the player: the whole timeline read once in the background, in large pages
 * without updates, folded into fixed slots as it goes (nothing but the slots is kept).
 */
export function useLanes(roomId: string, credentials: RoomCredentials, range: { firstSeq: number; lastSeq: number }) {
  const api = useApi();
  const [result, setResult] = useState<{ lanes: Lane[]; authors: Map<string, HistoryAuthor>; done: boolean }>({
    lanes: [],
    authors: new Map(),
    done: false,
  });
  const { firstSeq, lastSeq } = range;

  useEffect(() => {
    if (lastSeq === 0) return;
    const controller = new AbortController();
    const marks = new LaneMarks(firstSeq, lastSeq);
    const authors = new Map<string, HistoryAuthor>();
    void (async () => {
      for (let after: number | null = firstSeq - 1; after !== null && after < lastSeq; ) {
        const page = await api.timeline(
          roomId,
          { after, limit: TIMELINE_PAGE_MAX, updates: false },
          { credentials, signal: controller.signal },
        );
        marks.add(page.points.filter((point) => point.seq <= lastSeq));
        for (const author of page.authors) authors.set(author.id, author);
        setResult({ lanes: marks.rows(), authors: new Map(authors), done: false });
        after = page.nextAfter;
      }
      setResult({ lanes: marks.rows(), authors, done: true });
    })().catch(() => {
      // Aborted, or the history is out of reach: the lanes stay as far as they got.
    });
    return () => controller.abort();
  }, [api, roomId, credentials, firstSeq, lastSeq]);

  return result;
}
