import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { DEFAULT_LANGUAGE, ROOM_NAME_MAX, visibilitySchema } from '@pairwise/protocol';
import type { CreateRoomBody, LanguageId, Visibility } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import { useAuth } from '../../app/AuthProvider';
import { VISIBILITY_CHOICES } from '../../lib/access';
import { ApiRequestError } from '../../lib/api';
import { rememberRoom } from '../../lib/recentRooms';
import { saveOwnerKey } from '../../lib/roomCredentials';
import { roomPath } from '../../lib/roomLink';
import { browserStore } from '../../lib/storage';
import { LanguageSelect } from '../../ui/LanguageSelect';
import { PlusIcon } from '../../ui/icons';

export function CreateRoomCard() {
  const api = useApi();
  const { user } = useAuth();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [language, setLanguage] = useState<LanguageId>(DEFAULT_LANGUAGE);
  const [visibility, setVisibility] = useState<Visibility>('public-edit');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const trimmed = name.trim();
      const body: CreateRoomBody = { language };
      if (trimmed) body.name = trimmed;
      // Guests keep the one-click flow (anyone with the link edits); accounts choose up front.
      if (user) body.visibility = visibility;
      const room = await api.createRoom(body);
      // A guest's only proof of ownership, returned this once: without it they could not share or manage the room.
      if (room.ownerKey) saveOwnerKey(browserStore(), room.id, room.ownerKey);
      rememberRoom(browserStore(), { id: room.id, name: room.name, language: room.language });
      navigate(roomPath(room.id));
    } catch (err) {
      setError(err instanceof ApiRequestError ? err.message : 'Could not create the room.');
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} data-testid="create-room">
      <h2 className="card__title">Start a new room</h2>
      <p className="card__text">You get a link to share. The room starts with a small snippet in the language you pick.</p>
      <label className="field">
        <span className="field__label">Room name</span>
        <input
          className="input"
          name="roomName"
          value={name}
          maxLength={ROOM_NAME_MAX}
          placeholder="Interview with Sam, Bug bash…"
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label className="field">
        <span className="field__label">Language</span>
        <LanguageSelect value={language} onChange={setLanguage} name="language" />
      </label>
      {user && (
        <label className="field">
          <span className="field__label">Who can open it</span>
          <select
            className="select"
            name="visibility"
            value={visibility}
            onChange={(e) => {
              const chosen = visibilitySchema.safeParse(e.target.value);
              if (chosen.success) setVisibility(chosen.data);
            }}
          >
            {VISIBILITY_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
        <PlusIcon />
        {busy ? 'Creating…' : 'Create room'}
      </button>
    </form>
  );
}
