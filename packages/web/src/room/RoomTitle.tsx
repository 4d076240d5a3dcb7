import { useState } from 'react';
import type { FormEvent } from 'react';
import { ROOM_NAME_MAX } from '@pairwise/protocol';

/** The room name; click to rename for everyone (it is shared through `meta.name`). Plain text for viewers. */
export function RoomTitle({ name, onRename }: { name: string; onRename: ((name: string) => void) | null }) {
  const [draft, setDraft] = useState<string | null>(null);

  if (onRename === null) {
    return (
      <h1 className="room-title room-title--static" data-testid="room-title">
        {name}
      </h1>
    );
  }
  if (draft === null) {
    return (
      <button type="button" className="room-title" onClick={() => setDraft(name)} title="Rename this room" data-testid="room-title">
        {name}
      </button>
    );
  }

  const commit = (e?: FormEvent) => {
    e?.preventDefault();
    if (draft.trim() !== '') onRename(draft.trim());
    setDraft(null);
  };

  return (
    <form className="room-title-form" onSubmit={commit}>
      <input
        className="input input--title"
        aria-label="Room name"
        value={draft}
        maxLength={ROOM_NAME_MAX}
        // biome-ignore lint/a11y/noAutofocus: the field appears because the user just asked to rename; focus belongs there.
        autoFocus
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => commit()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setDraft(null);
        }}
      />
    </form>
  );
}
