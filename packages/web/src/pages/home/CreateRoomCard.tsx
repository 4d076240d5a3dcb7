import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { DEFAULT_LANGUAGE, ROOM_NAME_MAX } from '@pairwise/protocol';
import type { LanguageId } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import { ApiRequestError } from '../../lib/api';
import { rememberRoom } from '../../lib/recentRooms';
import { saveOwnerKey } from '../../lib/roomCredentials';
import { roomPath } from '../../lib/roomLink';
import { browserStore } from '../../lib/storage';
import { LanguageSelect } from '../../ui/LanguageSelect';
import { PlusIcon } from '../../ui/icons';

export function CreateRoomCard() {
  const api = useApi();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [language, setLanguage] = useState<LanguageId>(DEFAULT_LANGUAGE);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const trimmed = name.trim();
      const room = await api.createRoom(trimmed ? { name: trimmed, language } : { language });
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
