import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DEFAULT_LANGUAGE, isLanguageId, languageInfo } from '@pairwise/protocol';
import type { RoomDetails, RoomRole, RoomSummary } from '@pairwise/protocol';
import { useTheme } from '../app/ThemeProvider';
import { useSuggestionSettings } from '../completion/useSuggestionSettings';
import { roomPermissions } from '../lib/access';
import { connectionPhase } from '../lib/connectionStatus';
import { rememberRoom } from '../lib/recentRooms';
import { isBrowserRunLanguage, runBlockedReason, runsOnServer } from '../lib/runText';
import { credentialHeaders, credentialParams } from '../lib/roomCredentials';
import type { RoomCredentials } from '../lib/roomCredentials';
import { browserStore } from '../lib/storage';
import { useRuns } from '../run/useRuns';
import { ErrorBoundary } from '../ui/ErrorBoundary';
import { ChatPanel } from './ChatPanel';
import { PresenceList } from './PresenceList';
import { ConnectionBanner, RoleChangedBanner, ViewerBanner } from './RoomBanners';
import { type Comparison, DiffView } from './history/DiffView';
import { HistoryPanel } from './history/HistoryPanel';
import { PlaybackView } from './history/PlaybackView';
import { RoomHeader } from './RoomHeader';
import { RunConsole } from './RunConsole';
import { ShareDialog } from './share/ShareDialog';
import { useChat } from './useChat';
import { usePresence } from './usePresence';
import { useRoomConnection } from './useRoomConnection';
import { useRoomMeta } from './useRoomMeta';
import { useRoomSuggestionsSwitch } from './useRoomSuggestionsSwitch';
import { useCompletionRunsOn } from '../completion/useCompletionRunsOn';
import '../styles/room.css';
import '../styles/chat.css';
import '../styles/run.css';

// Monaco is most of the bundle: the home page should not pay for it.
const loadEditor = () => import('./CollabEditor');
const CollabEditor = lazy(loadEditor);

/** Starts downloading the editor while the room is still being looked up or the guest types a name. */
export function preloadEditor(): void {
  void loadEditor().catch(() => {
    // The lazy component retries and shows the error boundary if it fails for real.
  });
}

/** Throttle for the `typingAt` awareness field; well under the 2 s "typing…" window. */
const TYPING_THROTTLE_MS = 600;

/** The phone layout in room.css: the chat starts collapsed there, and history's panel gives way to what it opens. */
const NARROW_SCREEN = '(max-width: 760px)';

/** What the editor pane shows instead of the editor while someone looks at history. */
type HistoryScreen = { kind: 'diff'; comparison: Comparison } | { kind: 'playback' } | null;

const LOADING_MESSAGE = 'The room is still loading; you can type as soon as it has synced.';
const VIEWER_MESSAGE = 'You are viewing — only editors can change the code.';

function EditorPlaceholder({ message }: { message: string }) {
  return (
    <div className="editor-placeholder" aria-busy="true">
      <div className="spinner" aria-hidden="true" />
      <span>{message}</span>
    </div>
  );
}

/** At most one access check per this long while a viewer keeps trying to type. */
const ACCESS_CHECK_THROTTLE_MS = 3_000;

/** Calls `onReconnected` each time the document syncs again after the first time. */
function useResyncs(synced: boolean, onReconnected: () => void): void {
  const syncedBefore = useRef(false);
  useEffect(() => {
    if (!synced) return;
    if (syncedBefore.current) onReconnected();
    syncedBefore.current = true;
  }, [synced, onReconnected]);
}

export function RoomView({
  details,
  user,
  guestName,
  credentials,
  onClosed,
  onCheckAccess,
  onSummary,
  onEditName,
  roleNotice,
}: {
  details: RoomDetails;
  user: { name: string; color: string };
  /** Sent on the socket for a guest (`?name=&color=`: the server shows others what the guest connected with); null when signed in, as the server names accounts itself. */
  guestName: string | null;
  credentials: RoomCredentials;
  /** The server closed the socket for good (4400-4499 except 4429); `wasOpen` once the room had synced. */
  onClosed: (code: number, wasOpen: boolean) => void;
  /** Asks the server for the current role: after a resync (it may have changed meanwhile), when the server says it was lowered (4100), or when a viewer tries to type. */
  onCheckAccess: () => void;
  /** The server answered a settings change with the room's new summary. */
  onSummary: (summary: RoomSummary) => void;
  /** Null when the name is not ours to change (an account's username). */
  onEditName: (() => void) | null;
  /** Our role changed while the room was open; null when there is nothing to say. */
  roleNotice: { role: RoomRole; onDismiss: () => void } | null;
}) {
  const { theme } = useTheme();
  const { canEdit, isOwner, canReadHistory } = roomPermissions(details.role, details.historyAccess);
  const params = useMemo(
    () => ({ ...credentialParams(credentials), ...(guestName !== null && { name: guestName, color: user.color }) }),
    [credentials, guestName, user.color],
  );
  // Our role was lowered: ask for it now rather than after the reconnect (or the next poll).
  const { connection, state } = useRoomConnection(details.id, user, params, onCheckAccess);
  const fallback = useMemo(
    () => ({ name: details.name, language: isLanguageId(details.language) ? details.language : DEFAULT_LANGUAGE }),
    [details.name, details.language],
  );
  const meta = useRoomMeta(connection?.meta, fallback);
  const roomSuggestions = useRoomSuggestionsSwitch(details.id, meta.aiCompletions, credentials, onSummary);
  const suggestionSettings = useSuggestionSettings();
  const completionRunsOn = useCompletionRunsOn();
  const people = usePresence(connection?.awareness);
  const phase = connectionPhase(state);
  const lastTypingSent = useRef(0);
  const [sharing, setSharing] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [historyScreen, setHistoryScreen] = useState<HistoryScreen>(null);

  const showHistory = (screen: HistoryScreen) => {
    setHistoryScreen(screen);
    // A phone has no room for the panel beside what it opened.
    if (window.matchMedia(NARROW_SCREEN).matches) setHistoryOpen(false);
  };

  // The owner made history owners-only (or our role dropped): what was open closes.
  useEffect(() => {
    if (canReadHistory) return;
    setHistoryOpen(false);
    setHistoryScreen(null);
  }, [canReadHistory]);
  const [chatOpen, setChatOpen] = useState(() => !window.matchMedia(NARROW_SCREEN).matches);
  // Every role chats: viewers ask questions too.
  const chat = useChat(details.id, connection?.provider, state.synced, credentials, chatOpen);

  useEffect(() => {
    if (state.closed) onClosed(state.closed.code, state.everSynced);
  }, [state.closed, state.everSynced, onClosed]);
  useResyncs(state.synced, onCheckAccess);

  // A viewer who was just made an editor finds out the moment they try to type.
  const lastAccessCheck = useRef(0);
  const onReadOnlyAttempt = useCallback(() => {
    const now = Date.now();
    if (canEdit || now - lastAccessCheck.current < ACCESS_CHECK_THROTTLE_MS) return;
    lastAccessCheck.current = now;
    onCheckAccess();
  }, [canEdit, onCheckAccess]);

  useEffect(() => {
    rememberRoom(browserStore(), { id: details.id, name: meta.name, language: meta.language });
    document.title = `${meta.name} · Pairwise`;
    return () => {
      document.title = 'Pairwise';
    };
  }, [details.id, meta.name, meta.language]);

  const onLocalEdit = useCallback(() => {
    const now = Date.now();
    if (!connection || now - lastTypingSent.current < TYPING_THROTTLE_MS) return;
    lastTypingSent.current = now;
    if (connection.awareness.getLocalState() !== null) connection.awareness.setLocalStateField('typingAt', now);
  }, [connection]);

  const runs = useRuns({
    roomId: details.id,
    provider: connection?.provider,
    synced: state.synced,
    credentials,
    me: { id: 'me', name: user.name, color: user.color },
    warmLanguage: canEdit && meta.runCode && isBrowserRunLanguage(meta.language) ? meta.language : null,
  });
  // A run this tab asked the server for is this tab's too: Run becomes its Stop.
  const isMine = (run: (typeof runs.runs)[number]) => run.mine || runs.myServerRuns.has(run.id);
  const myRun = runs.runs.find((run) => isMine(run) && run.status === 'running');
  const othersRun = runs.runs.find((run) => !isMine(run) && run.status === 'running');
  const onServer = runsOnServer(meta.language, runs.serverLanguages);
  const runBlocked = runBlockedReason({
    canEdit,
    runCodeOn: meta.runCode,
    runningElsewhere: othersRun ? othersRun.startedBy.name : null,
    language: meta.language,
    serverLanguages: runs.serverLanguages,
  });

  const readOnlyMessage = !canEdit ? VIEWER_MESSAGE : state.everSynced ? null : LOADING_MESSAGE;
  const completionHeaders = useMemo(() => credentialHeaders(credentials), [credentials]);

  return (
    <div className="page page--room" data-testid="room" data-room-id={details.id} data-role={details.role}>
      <RoomHeader
        name={meta.name}
        language={meta.language}
        phase={phase}
        unsavedEdits={state.unsavedEdits}
        url={window.location.href}
        onLanguageChange={canEdit ? meta.setLanguage : null}
        onRename={canEdit ? meta.setName : null}
        suggestions={
          canEdit
            ? {
                settings: suggestionSettings,
                onSettingsChange: suggestionSettings.update,
                roomEnabled: roomSuggestions.on,
                onRoomEnabledChange: isOwner ? roomSuggestions.change : null,
                roomSwitchError: roomSuggestions.error,
              }
            : null
        }
        onShare={isOwner ? () => setSharing(true) : null}
        onHistory={canReadHistory ? () => setHistoryOpen((open) => !open) : null}
        historyOpen={historyOpen}
        run={{
          blockedReason: runBlocked,
          running: myRun !== undefined,
          onServer,
          onRun: () => {
            if (runsOnServer(meta.language, runs.serverLanguages)) runs.startOnServer(meta.language);
            else if (connection && isBrowserRunLanguage(meta.language)) runs.start(connection.text.toString(), meta.language);
          },
          onStop: () => {
            if (myRun) runs.stop(myRun.id);
          },
        }}
      />
      <ConnectionBanner phase={phase} unsaved={state.unsavedEdits > 0} retryAt={state.retryAt} />
      {roleNotice && <RoleChangedBanner role={roleNotice.role} onDismiss={roleNotice.onDismiss} />}
      {!canEdit && <ViewerBanner />}
      <div className="room-body">
        <div className="editor-column">
          <main className="editor-pane">
            <ErrorBoundary fallback={() => <EditorPlaceholder message="The editor failed to load. Reload the page to try again." />}>
              <Suspense fallback={<EditorPlaceholder message="Loading editor…" />}>
                {historyScreen?.kind === 'playback' ? (
                  <PlaybackView
                    roomId={details.id}
                    credentials={credentials}
                    language={languageInfo(meta.language).monacoId}
                    theme={theme}
                    onClose={() => setHistoryScreen(null)}
                  />
                ) : historyScreen?.kind === 'diff' && connection ? (
                  <DiffView
                    roomId={details.id}
                    credentials={credentials}
                    comparison={historyScreen.comparison}
                    liveText={connection.text}
                    language={languageInfo(meta.language).monacoId}
                    theme={theme}
                    onClose={() => setHistoryScreen(null)}
                  />
                ) : connection ? (
                  <CollabEditor
                    text={connection.text}
                    awareness={connection.awareness}
                    language={languageInfo(meta.language).monacoId}
                    theme={theme}
                    readOnlyMessage={readOnlyMessage}
                    participants={people}
                    onLocalEdit={onLocalEdit}
                    onReadOnlyAttempt={onReadOnlyAttempt}
                    completions={{
                      active: canEdit && suggestionSettings.enabled && roomSuggestions.on,
                      delayMs: suggestionSettings.delayMs,
                      runsOn: completionRunsOn,
                      language: meta.language,
                      roomId: details.id,
                      headers: completionHeaders,
                    }}
                  />
                ) : (
                  <EditorPlaceholder message="Connecting…" />
                )}
              </Suspense>
            </ErrorBoundary>
          </main>
          <RunConsole runs={runs} canStop={canEdit} />
        </div>
        {historyOpen && (
          <HistoryPanel
            roomId={details.id}
            credentials={credentials}
            canEdit={canEdit}
            onCompare={(comparison) => showHistory({ kind: 'diff', comparison })}
            onReplay={() => showHistory({ kind: 'playback' })}
            onRestored={() => setHistoryScreen(null)}
            onClose={() => setHistoryOpen(false)}
          />
        )}
        <aside className="sidebar">
          <PresenceList people={people} onRename={onEditName} />
          <ChatPanel
            chat={chat}
            open={chatOpen}
            onToggle={() => setChatOpen((open) => !open)}
            roomLanguage={languageInfo(meta.language).monacoId}
          />
        </aside>
      </div>
      {sharing && (
        <ShareDialog
          roomId={details.id}
          roomName={meta.name}
          credentials={credentials}
          visibility={details.visibility}
          historyAccess={details.historyAccess}
          runCode={meta.runCode}
          onSummary={onSummary}
          onClose={() => setSharing(false)}
        />
      )}
    </div>
  );
}
