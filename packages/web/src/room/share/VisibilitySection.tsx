import type { RoomSummary, Visibility } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import { VISIBILITY_CHOICES } from '../../lib/access';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { useApiAction } from './useApiAction';

/** Who gets in with just the room's link. Takes effect on open sockets too (the server re-checks them). */
export function VisibilitySection({
  roomId,
  credentials,
  visibility,
  onSummary,
}: {
  roomId: string;
  credentials: RoomCredentials;
  visibility: Visibility;
  onSummary: (summary: RoomSummary) => void;
}) {
  const api = useApi();
  const { run, busy, error } = useApiAction('Could not change who can open the room.');

  const choose = (next: Visibility) => {
    if (next === visibility) return;
    void run(async () => onSummary(await api.updateRoom(roomId, { visibility: next }, { credentials })));
  };

  return (
    <fieldset className="share-section" disabled={busy} data-testid="share-visibility">
      <legend className="share-section__title">Who can open this room</legend>
      {VISIBILITY_CHOICES.map((choice) => (
        <label key={choice.value} className="choice-row">
          <input
            type="radio"
            name={`visibility-${roomId}`}
            value={choice.value}
            checked={visibility === choice.value}
            onChange={() => choose(choice.value)}
          />
          <span className="choice-row__text">
            <span className="choice-row__title">{choice.label}</span>
            <span className="choice-row__hint">{choice.hint}</span>
          </span>
        </label>
      ))}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
