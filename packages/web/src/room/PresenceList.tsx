import type { CSSProperties } from 'react';
import { initials } from '../lib/presence';
import type { Participant } from '../lib/presence';
import { PencilIcon } from '../ui/icons';

export function Avatar({ person, size = 'md' }: { person: Pick<Participant, 'name' | 'color'>; size?: 'sm' | 'md' }) {
  return (
    <span className={`avatar avatar--${size}`} style={{ background: person.color }} aria-hidden="true">
      {initials(person.name)}
    </span>
  );
}

/** `onRename` is null for a signed-in user: their name is their username. */
export function PresenceList({ people, onRename }: { people: readonly Participant[]; onRename: (() => void) | null }) {
  return (
    <section className="presence" aria-labelledby="presence-title" data-testid="presence-list">
      <h2 id="presence-title" className="presence__title">
        <span className="presence__label">In this room</span>
        <span className="presence__count">{people.length}</span>
      </h2>
      <ul className="presence__list">
        {people.map((person) => (
          <li
            key={person.clientId}
            className="presence__item"
            data-testid="presence-item"
            data-client-id={person.clientId}
            data-typing={person.typing && !person.isSelf}
            style={{ '--user-color': person.color } as CSSProperties}
          >
            <Avatar person={person} />
            <span className="presence__text">
              <span className="presence__name">{person.name}</span>
              <span className="presence__status">
                {person.isSelf ? 'You' : person.typing ? <span className="typing">typing…</span> : 'Online'}
              </span>
            </span>
            {person.isSelf && onRename && (
              <button
                type="button"
                className="btn btn--ghost btn--icon presence__edit"
                onClick={onRename}
                aria-label="Change your name"
                title="Change your name"
              >
                <PencilIcon />
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
