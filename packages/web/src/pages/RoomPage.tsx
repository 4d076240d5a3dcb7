import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { CLOSE_CODES, ROOM_ID_PATTERN } from '@pairwise/protocol';
import type { RoomDetails } from '@pairwise/protocol';
import { useApi } from '../app/api';
import { useIdentity } from '../app/useIdentity';
import { ApiRequestError } from '../lib/api';
import { forgetRoom } from '../lib/recentRooms';
import { browserStore } from '../lib/storage';
import { RoomView, preloadEditor } from '../room/RoomView';
import { CenteredMessage } from '../ui/CenteredMessage';
import { NamePrompt } from '../ui/NamePrompt';

type LoadState =
  | { kind: 'loading' }
  | { kind: 'ready'; details: RoomDetails }
  | { kind: 'missing' }
  /** The room was open here and the server then said it no longer exists: someone deleted it. */
  | { kind: 'deleted' }
  | { kind: 'invalid' }
  | { kind: 'error'; message: string };

/** Long enough for a cold server, short enough that nobody stares at a spinner forever. */
const LOAD_TIMEOUT_MS = 15_000;

export function RoomPage() {
  const { roomId = '' } = useParams();
  const validId = ROOM_ID_PATTERN.test(roomId);
  const api = useApi();
  const { identity, setName } = useIdentity();
  const [load, setLoad] = useState<LoadState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [editingName, setEditingName] = useState(false);

  useEffect(() => {
    if (validId) preloadEditor();
  }, [validId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies(attempt): the retry button bumps it to fetch the room again.
  useEffect(() => {
    if (!validId) {
      setLoad({ kind: 'invalid' });
      return;
    }
    setLoad({ kind: 'loading' });
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, LOAD_TIMEOUT_MS);
    api
      .getRoom(roomId, controller.signal)
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
  }, [api, roomId, validId, attempt]);

  useEffect(() => {
    if (load.kind === 'missing' || load.kind === 'invalid' || load.kind === 'deleted') forgetRoom(browserStore(), roomId);
  }, [load.kind, roomId]);

  // The room loaded before its socket was closed for good, so "not found" now means it was deleted since.
  const onGone = useCallback((code: number) => {
    setLoad(code === CLOSE_CODES.invalidRoomId ? { kind: 'invalid' } : { kind: 'deleted' });
  }, []);
  const onEditName = useCallback(() => setEditingName(true), []);

  switch (load.kind) {
    case 'loading':
      return <CenteredMessage title="Opening room…" busy testId="room-loading" />;
    case 'missing':
    case 'invalid':
      return (
        <CenteredMessage title="Room not found" testId="room-not-found">
          <p className="centered__text">
            {load.kind === 'invalid' ? (
              <>
                <code>{roomId}</code> is not a valid room id. Check the link you were given.
              </>
            ) : (
              <>
                There is no room <code>{roomId}</code> on this server. It may have been deleted, or the link is mistyped.
              </>
            )}
          </p>
          <Link to="/" className="btn btn--primary">
            Go to the home page
          </Link>
        </CenteredMessage>
      );
    case 'deleted':
      return (
        <CenteredMessage title="This room was deleted" testId="room-deleted">
          <p className="centered__text">
            Someone deleted the room <code>{roomId}</code> while you had it open. Its code is no longer on the server, and this tab has
            stopped syncing.
          </p>
          <Link to="/" className="btn btn--primary">
            Go to the home page
          </Link>
        </CenteredMessage>
      );
    case 'error':
      return (
        <CenteredMessage title="Could not open the room" testId="room-error">
          <p className="centered__text">{load.message}</p>
          <div className="centered__actions">
            <button type="button" className="btn btn--primary" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
            <Link to="/" className="btn btn--ghost">
              Home
            </Link>
          </div>
        </CenteredMessage>
      );
    case 'ready':
      break;
  }

  if (identity.name === null) {
    return (
      <>
        <CenteredMessage title={`Joining ${load.details.name}`} />
        <NamePrompt color={identity.color} roomName={load.details.name} onSubmit={setName} />
      </>
    );
  }

  return (
    <>
      <RoomView
        key={load.details.id}
        details={load.details}
        user={{ name: identity.name, color: identity.color }}
        onGone={onGone}
        onEditName={onEditName}
      />
      {editingName && (
        <NamePrompt
          title="Change your name"
          initialName={identity.name}
          color={identity.color}
          onSubmit={(name) => {
            setName(name);
            setEditingName(false);
          }}
          onCancel={() => setEditingName(false)}
        />
      )}
    </>
  );
}
