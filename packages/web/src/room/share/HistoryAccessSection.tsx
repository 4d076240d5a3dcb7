import type { HistoryAccess, RoomSummary } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import { HISTORY_ACCESS_CHOICES } from '../../lib/access';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { useApiAction } from './useApiAction';

/** Who may see versions and replay the typing: the owner's setting, enforced by the server. */
export function HistoryAccessSection({
  roomId,
  credentials,
  historyAccess,
  onSummary,
}: {
  roomId: string;
  credentials: RoomCredentials;
  historyAccess: HistoryAccess;
  onSummary: (summary: RoomSummary) => void;
}) {
  const api = useApi();
  const { run, busy, error } = useApiAction('Could not change who can replay the history.');

  const choose = (next: HistoryAccess) => {
    if (next === historyAccess) return;
    void run(async () => onSummary(await api.updateRoom(roomId, { historyAccess: next }, { credentials })));
  };

  return (
    <fieldset className="share-section" disabled={busy} data-testid="share-history-access">
      <legend className="share-section__title">Who can replay history</legend>
      {HISTORY_ACCESS_CHOICES.map((choice) => (
        <label key={choice.value} className="choice-row">
          <input
            type="radio"
            name={`history-access-${roomId}`}
            value={choice.value}
            checked={historyAccess === choice.value}
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
