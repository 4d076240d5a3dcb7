import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { parseRoomInput, roomPath } from '../../lib/roomLink';
import { ArrowRightIcon } from '../../ui/icons';

export function JoinRoomCard() {
  const navigate = useNavigate();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const id = parseRoomInput(value);
    if (id === null) {
      setError('That does not look like a Pairwise link or room id.');
      return;
    }
    navigate(roomPath(id));
  };

  return (
    <form className="card" onSubmit={submit} data-testid="join-room">
      <h2 className="card__title">Join a room</h2>
      <p className="card__text">Paste the link someone shared with you, or just the room id.</p>
      <label className="field">
        <span className="field__label">Link or room id</span>
        <input
          className="input"
          name="roomLink"
          value={value}
          placeholder="https://…/r/abc123"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error !== null}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
        />
      </label>
      <p className="card__note">No account needed: a link lets you in as its owner decided (edit or view).</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn--secondary btn--block" disabled={value.trim() === ''}>
        Join
        <ArrowRightIcon />
      </button>
    </form>
  );
}
