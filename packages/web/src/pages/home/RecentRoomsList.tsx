import { useState } from 'react';
import { Link } from 'react-router';
import { isLanguageId, languageInfo } from '@pairwise/protocol';
import type { RecentRoom } from '../../lib/recentRooms';
import { roomPath } from '../../lib/roomLink';
import { formatRelativeTime } from '../../lib/time';
import { CloseIcon } from '../../ui/icons';

function languageLabel(language: string): string {
  return isLanguageId(language) ? languageInfo(language).label : language;
}

export function RecentRoomsList({ rooms, onForget }: { rooms: RecentRoom[]; onForget: (id: string) => void }) {
  // Rendered once per visit; relative times do not need to tick.
  const [now] = useState(() => Date.now());
  return (
    <section className="recent" aria-labelledby="recent-title" data-testid="recent-rooms">
      <h2 id="recent-title" className="recent__title">
        Recent rooms
      </h2>
      {rooms.length === 0 ? (
        <p className="recent__empty">Rooms you create or join show up here, on this browser only.</p>
      ) : (
        <ul className="recent__list">
          {rooms.map((room) => (
            <li key={room.id} className="recent__item">
              <Link to={roomPath(room.id)} className="recent__link">
                <span className="lang-chip" data-lang={room.language}>
                  {languageLabel(room.language)}
                </span>
                <span className="recent__name">{room.name || room.id}</span>
                <span className="recent__meta">
                  <code>{room.id}</code> · {formatRelativeTime(room.visitedAt, now)}
                </span>
              </Link>
              <button
                type="button"
                className="btn btn--ghost btn--icon recent__forget"
                aria-label={`Remove ${room.name || room.id} from recent rooms`}
                title="Remove from this list"
                onClick={() => onForget(room.id)}
              >
                <CloseIcon />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
