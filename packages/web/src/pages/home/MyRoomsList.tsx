import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { isLanguageId, languageInfo } from '@pairwise/protocol';
import type { RoomListItem } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import { ROLE_LABELS, VISIBILITY_SHORT, visibilityLabel } from '../../lib/access';
import { ApiRequestError } from '../../lib/api';
import { roomPath } from '../../lib/roomLink';
import { formatRelativeTime } from '../../lib/time';

const PAGE_SIZE = 20;

type ListState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; rooms: RoomListItem[]; nextCursor: string | null; loadingMore: boolean };

function languageLabel(language: string): string {
  return isLanguageId(language) ? languageInfo(language).label : language;
}

function RoomRow({ room, now }: { room: RoomListItem; now: number }) {
  const here = room.activeUsers > 0 ? ` · ${room.activeUsers} here now` : '';
  return (
    <li className="recent__item" data-testid="my-room" data-room-id={room.id}>
      <Link to={roomPath(room.id)} className="recent__link">
        <span className="lang-chip" data-lang={room.language}>
          {languageLabel(room.language)}
        </span>
        <span className="recent__name">{room.name || room.id}</span>
        <span className="recent__meta">
          <span className="role-chip" data-role={room.role}>
            {ROLE_LABELS[room.role]}
          </span>{' '}
          <span title={visibilityLabel(room.visibility)}>{VISIBILITY_SHORT[room.visibility]}</span> · updated{' '}
          {formatRelativeTime(Date.parse(room.updatedAt), now)}
          {here}
        </span>
      </Link>
    </li>
  );
}

/** The signed-in user's rooms, from the server: owned ones and those shared with them as a member. */
export function MyRoomsList({ userId }: { userId: string }) {
  const api = useApi();
  const [state, setState] = useState<ListState>({ kind: 'loading' });
  // Rendered once per visit; relative times do not need to tick.
  const [now] = useState(() => Date.now());

  const loadFirstPage = useCallback(() => {
    setState({ kind: 'loading' });
    api
      .listRooms({ limit: PAGE_SIZE })
      .then((page) => setState({ kind: 'ready', rooms: page.rooms, nextCursor: page.nextCursor, loadingMore: false }))
      .catch((err: unknown) => {
        setState({ kind: 'error', message: err instanceof ApiRequestError ? err.message : 'Could not load your rooms.' });
      });
  }, [api]);

  // biome-ignore lint/correctness/useExhaustiveDependencies(userId): another account signed in: its rooms, not the last one's.
  useEffect(loadFirstPage, [loadFirstPage, userId]);

  const loadMore = async () => {
    if (state.kind !== 'ready' || state.nextCursor === null) return;
    setState({ ...state, loadingMore: true });
    try {
      const page = await api.listRooms({ limit: PAGE_SIZE, cursor: state.nextCursor });
      setState({ kind: 'ready', rooms: [...state.rooms, ...page.rooms], nextCursor: page.nextCursor, loadingMore: false });
    } catch {
      setState({ ...state, loadingMore: false });
    }
  };

  return (
    <section className="recent" aria-labelledby="my-rooms-title" data-testid="my-rooms">
      <h2 id="my-rooms-title" className="recent__title">
        My rooms
      </h2>
      {state.kind === 'loading' && <p className="recent__empty">Loading your rooms…</p>}
      {state.kind === 'error' && (
        <p className="recent__empty" role="alert">
          {state.message}{' '}
          <button type="button" className="btn btn--ghost" onClick={loadFirstPage}>
            Try again
          </button>
        </p>
      )}
      {state.kind === 'ready' && state.rooms.length === 0 && (
        <p className="recent__empty">Rooms you create while signed in, and rooms shared with you, show up here.</p>
      )}
      {state.kind === 'ready' && state.rooms.length > 0 && (
        <>
          <ul className="recent__list">
            {state.rooms.map((room) => (
              <RoomRow key={room.id} room={room} now={now} />
            ))}
          </ul>
          {state.nextCursor !== null && (
            <button type="button" className="btn btn--secondary recent__more" disabled={state.loadingMore} onClick={() => void loadMore()}>
              {state.loadingMore ? 'Loading…' : 'Show more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
