import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { WebsocketProvider } from 'y-websocket';
import { type BrowserRunLanguage, type HistoryAuthor, RUN_TIME_LIMIT_MS, type ServerRunLanguage } from '@pairwise/protocol';
import { useApi } from '../app/api';
import type { RoomCredentials } from '../lib/roomCredentials';
import { apiErrorMessage } from '../room/share/useApiAction';
import { browserRunners } from './browserRunners';
import { RoomRuns, type RoomRunsState } from './roomRuns';
import { providerRunTransport } from './runFrames';

export interface RoomRunsView extends RoomRunsState {
  hasEarlier: boolean;
  loadingEarlier: boolean;
  loadError: string | null;
  /** Runs the room's current code in `language` on this machine. */
  start: (code: string, language: BrowserRunLanguage) => void;
  /** What the server runs itself (RUNNER=sandbox); empty when it runs nothing. */
  serverLanguages: readonly ServerRunLanguage[];
  /** Asks the server to run the room's current code (its run arrives like anyone's). */
  startOnServer: (language: ServerRunLanguage) => void;
  /** Runs this tab started on the server (the header's Run turns into their Stop). */
  myServerRuns: ReadonlySet<string>;
  /** Why the server refused the last run this tab asked of it; null after a start it took. */
  serverStartError: string | null;
  stop: (runId: string) => void;
  answerInput: (line: string | null) => void;
  loadEarlier: () => void;
  clear: () => void;
}

const EMPTY: RoomRunsState = { runs: [], input: null };
const noStore = () => () => {};

/**
 * The room's runs for its console: this tab reports its runs over the room's socket (MESSAGE_RUN)
 * and shows everyone else's as the server relays them. The newest stored ones are loaded once the
 * room has synced, and again after each resync: the server relays runs only to connected sockets,
 * so what happened while this tab's socket was down (a run, or the end of one it showed running)
 * comes from the API. `warmLanguage` is the language whose runner is loaded ahead of a first click.
 */
export function useRuns({
  roomId,
  provider,
  synced,
  credentials,
  me,
  warmLanguage,
}: {
  roomId: string;
  provider: WebsocketProvider | undefined;
  /** The room's socket is connected and synced. */
  synced: boolean;
  credentials: RoomCredentials;
  me: HistoryAuthor;
  warmLanguage: BrowserRunLanguage | null;
}): RoomRunsView {
  const api = useApi();
  const meRef = useRef(me);
  meRef.current = me;
  const [store, setStore] = useState<{ runs: RoomRuns; warmUp: (language: BrowserRunLanguage) => void } | null>(null);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [serverLanguages, setServerLanguages] = useState<readonly ServerRunLanguage[]>([]);
  const [myServerRuns, setMyServerRuns] = useState<ReadonlySet<string>>(new Set());
  const [serverStartError, setServerStartError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api
      .capabilities()
      .then((offered) => {
        if (current) setServerLanguages(offered.runs.serverLanguages);
      })
      .catch(() => {
        // An older server or a failed request: code runs in the browser only, as before.
      });
    return () => {
      current = false;
    };
  }, [api]);

  const startOnServer = useCallback(
    (language: ServerRunLanguage) => {
      setServerStartError(null);
      api
        .startServerRun(roomId, language, { credentials })
        .then(({ runId }) => setMyServerRuns((runs) => new Set(runs).add(runId)))
        .catch((err: unknown) => setServerStartError(apiErrorMessage(err, 'The server could not run the code.')));
    },
    [api, roomId, credentials],
  );

  useEffect(() => {
    if (!provider) return;
    const runners = browserRunners();
    const transport = providerRunTransport(provider);
    const runs = new RoomRuns({ transport, runnerFor: runners.runnerFor, me: () => meRef.current, timeLimitMs: RUN_TIME_LIMIT_MS });
    const unlisten = transport.listen((message) => runs.receive(message));
    const warmUp = (language: BrowserRunLanguage) => {
      void runners
        .runnerFor(language)
        .warmUp()
        .catch(() => {
          // The first run tries again and reports what fails.
        });
    };
    setStore({ runs, warmUp });
    return () => {
      unlisten();
      runs.dispose();
      runners.dispose();
      setStore(null);
    };
  }, [provider]);

  useEffect(() => {
    if (store && warmLanguage) store.warmUp(warmLanguage);
  }, [store, warmLanguage]);

  const state = useSyncExternalStore(store?.runs.subscribe ?? noStore, store?.runs.getState ?? (() => EMPTY));

  const firstPageLoaded = useRef(false);
  const loadPage = useCallback(
    (before: string | null, signal?: AbortSignal) => {
      if (!store) return;
      setLoadingEarlier(true);
      api
        .listRuns(roomId, { before }, { credentials, ...(signal && { signal }) })
        .then((list) => {
          store.runs.addLoaded(list.runs);
          // The newest page again after a resync leaves the cursor of earlier runs where it was.
          if (before !== null || !firstPageLoaded.current) setNextBefore(list.nextBefore);
          firstPageLoaded.current = true;
          setLoadError(null);
        })
        .catch((err: unknown) => {
          if (!signal?.aborted) setLoadError(apiErrorMessage(err, 'Could not load earlier runs.'));
        })
        .finally(() => {
          if (!signal?.aborted) setLoadingEarlier(false);
        });
    },
    [api, roomId, credentials, store],
  );

  useEffect(() => {
    if (!synced) return;
    const abort = new AbortController();
    loadPage(null, abort.signal);
    return () => abort.abort();
  }, [loadPage, synced]);

  return {
    ...state,
    hasEarlier: nextBefore !== null,
    loadingEarlier,
    loadError,
    start: (code, language) => void store?.runs.start(code, language),
    serverLanguages,
    startOnServer,
    myServerRuns,
    serverStartError,
    stop: (runId) => store?.runs.stop(runId),
    answerInput: (line) => store?.runs.answerInput(line),
    loadEarlier: () => {
      if (nextBefore !== null && !loadingEarlier) loadPage(nextBefore);
    },
    clear: () => store?.runs.clear(),
  };
}
