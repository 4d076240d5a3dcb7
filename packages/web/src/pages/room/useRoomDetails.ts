import { useCallback, useEffect, useState } from 'react';
import type { RoomDetails, RoomSummary } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import { ApiRequestError } from '../../lib/api';
import type { FinalClose } from '../../lib/connectionStatus';
import type { RoomCredentials } from '../../lib/roomCredentials';

export type RoomLoad =
  | { kind: 'loading' }
  | { kind: 'ready'; details: RoomDetails }
  /** 404: never existed, deleted, or private and not ours (the server does not say which). */
  | { kind: 'missing' }
  | { kind: 'invalid' }
  | { kind: 'error'; message: string }
  /** The socket was refused (4403) before it ever synced: gone since the lookup, or not ours; told like a 404. */
  | { kind: 'unavailable' }
  /** The room was open and the server then closed it for good. */
  | { kind: 'closed'; reason: FinalClose };

/** Long enough for a cold server, short enough that nobody stares at a spinner forever. */
const LOAD_TIMEOUT_MS = 15_000;

/** The parts of a room's summary that can change under an open room: who may do what. */
function sameAccess(a: RoomSummary, b: RoomSummary): boolean {
  return a.role === b.role && a.visibility === b.visibility && a.aiCompletions === b.aiCompletions && a.historyAccess === b.historyAccess;
}

/**
 * `GET /api/rooms/:id` for the room page: the first load (again on `retry` or when `reloadKey`
 * changes, e.g. another account signed in), and quiet `refresh`es afterwards that only update the
 * caller's role and the room's access settings.
 */
export function useRoomDetails(
  roomId: string,
  /** Keep the same object while the credentials stay the same: a new one loads the room again. */
  credentials: RoomCredentials,
  options: { enabled: boolean; reloadKey: string },
) {
  const api = useApi();
  const [load, setLoad] = useState<RoomLoad>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const { enabled, reloadKey } = options;

  // biome-ignore lint/correctness/useExhaustiveDependencies(attempt): `retry` bumps it to fetch the room again.
  // biome-ignore lint/correctness/useExhaustiveDependencies(reloadKey): a different account sees the room with a different role.
  useEffect(() => {
    setLoad({ kind: 'loading' });
    if (!enabled) return;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, LOAD_TIMEOUT_MS);
    api
      .getRoom(roomId, { credentials, signal: controller.signal })
      .then((details) => setLoad({ kind: 'ready', details }))
      .catch((err: unknown) => {
        if (controller.signal.aborted && !timedOut) return;
        if (err instanceof ApiRequestError && err.status === 404) setLoad({ kind: 'missing' });
        else if (err instanceof ApiRequestError && err.status === 400) setLoad({ kind: 'invalid' });
        else if (timedOut) setLoad({ kind: 'error', message: 'The server took too long to answer.' });
        else setLoad({ kind: 'error', message: err instanceof Error ? err.message : 'Something went wrong.' });
      })
      .finally(() => clearTimeout(timer));
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, roomId, enabled, attempt, reloadKey, credentials]);

  /** Takes a summary the server just answered (e.g. to a PATCH) as the room's current access. */
  const applySummary = useCallback((summary: RoomSummary) => {
    setLoad((prev) => {
      if (prev.kind !== 'ready' || sameAccess(prev.details, summary)) return prev;
      const { role, visibility, aiCompletions, historyAccess } = summary;
      return { kind: 'ready', details: { ...prev.details, role, visibility, aiCompletions, historyAccess } };
    });
  }, []);

  const refresh = useCallback(async () => {
    try {
      applySummary(await api.getRoom(roomId, { credentials }));
    } catch (err) {
      // Not found now means our access went away; anything else (offline, a restart) is no news.
      if (err instanceof ApiRequestError && err.status === 404) {
        setLoad((prev) => (prev.kind === 'ready' ? { kind: 'closed', reason: 'no-access' } : prev));
      }
    }
  }, [api, roomId, credentials, applySummary]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const close = useCallback((reason: FinalClose, wasOpen: boolean) => {
    setLoad(reason === 'no-access' && !wasOpen ? { kind: 'unavailable' } : { kind: 'closed', reason });
  }, []);

  return { load, retry, refresh, applySummary, close };
}

/** How often an open room re-reads the caller's role while the tab is visible. */
export const ACCESS_POLL_MS = 15_000;

/**
 * Keeps the role current when it changes without the socket noticing (an owner promotes a viewer,
 * or demotes an editor whose socket stays open): on a timer while visible, and on coming back to the tab.
 */
export function useAccessPolling(refresh: () => Promise<void>, active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const tick = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    const timer = setInterval(tick, ACCESS_POLL_MS);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [refresh, active]);
}
