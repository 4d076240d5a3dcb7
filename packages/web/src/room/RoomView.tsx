import { Suspense, lazy, useCallback, useEffect, useMemo, useRef } from 'react';
import { DEFAULT_LANGUAGE, isLanguageId, languageInfo } from '@pairwise/protocol';
import type { RoomDetails } from '@pairwise/protocol';
import { useTheme } from '../app/ThemeProvider';
import { useSuggestionSettings } from '../completion/useSuggestionSettings';
import { connectionPhase } from '../lib/connectionStatus';
import { rememberRoom } from '../lib/recentRooms';
import { browserStore } from '../lib/storage';
import { ErrorBoundary } from '../ui/ErrorBoundary';
import { ConnectionBanner } from './ConnectionBanner';
import { PresenceList } from './PresenceList';
import { RoomHeader } from './RoomHeader';
import { usePresence } from './usePresence';
import { useRoomConnection } from './useRoomConnection';
import { useRoomMeta } from './useRoomMeta';
import { useRoomSuggestionsSwitch } from './useRoomSuggestionsSwitch';
import '../styles/room.css';

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

function EditorPlaceholder({ message }: { message: string }) {
  return (
    <div className="editor-placeholder" aria-busy="true">
      <div className="spinner" aria-hidden="true" />
      <span>{message}</span>
    </div>
  );
}

export function RoomView({
  details,
  user,
  onGone,
  onEditName,
}: {
  details: RoomDetails;
  user: { name: string; color: string };
  /** The server closed the room for good (deleted, or the id is invalid). */
  onGone: (code: number) => void;
  onEditName: () => void;
}) {
  const { theme } = useTheme();
  const { connection, state } = useRoomConnection(details.id, user);
  const fallback = useMemo(
    () => ({ name: details.name, language: isLanguageId(details.language) ? details.language : DEFAULT_LANGUAGE }),
    [details.name, details.language],
  );
  const meta = useRoomMeta(connection?.meta, fallback);
  const [roomSuggestions, setRoomSuggestions] = useRoomSuggestionsSwitch(details.id, meta.aiCompletions);
  const suggestionSettings = useSuggestionSettings();
  const people = usePresence(connection?.awareness);
  const phase = connectionPhase(state);
  const lastTypingSent = useRef(0);

  useEffect(() => {
    if (state.closed) onGone(state.closed.code);
  }, [state.closed, onGone]);

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

  return (
    <div className="page page--room" data-testid="room" data-room-id={details.id}>
      <RoomHeader
        name={meta.name}
        language={meta.language}
        phase={phase}
        unsynced={state.unsynced}
        url={window.location.href}
        onLanguageChange={meta.setLanguage}
        onRename={meta.setName}
        suggestions={{
          settings: suggestionSettings,
          onSettingsChange: suggestionSettings.update,
          roomEnabled: roomSuggestions,
          onRoomEnabledChange: setRoomSuggestions,
        }}
      />
      <ConnectionBanner phase={phase} unsynced={state.unsynced} />
      <div className="room-body">
        <main className="editor-pane">
          <ErrorBoundary fallback={() => <EditorPlaceholder message="The editor failed to load. Reload the page to try again." />}>
            <Suspense fallback={<EditorPlaceholder message="Loading editor…" />}>
              {connection ? (
                <CollabEditor
                  text={connection.text}
                  awareness={connection.awareness}
                  language={languageInfo(meta.language).monacoId}
                  theme={theme}
                  readOnly={!state.everSynced}
                  participants={people}
                  onLocalEdit={onLocalEdit}
                  completions={{
                    active: suggestionSettings.enabled && roomSuggestions,
                    delayMs: suggestionSettings.delayMs,
                    language: meta.language,
                    roomId: details.id,
                  }}
                />
              ) : (
                <EditorPlaceholder message="Connecting…" />
              )}
            </Suspense>
          </ErrorBoundary>
        </main>
        <aside className="sidebar">
          <PresenceList people={people} onRename={onEditName} />
        </aside>
      </div>
    </div>
  );
}
