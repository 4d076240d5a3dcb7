import type { RoomSummary, UpdateRoomBody } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { useApiAction } from './useApiAction';

export interface SettingChoice<T extends string> {
  value: T;
  label: string;
  hint: string;
}

/** An owner's room setting as a group of choices; picking one changes the room (the server enforces it). */
export function RoomSettingChoices<T extends string>({
  roomId,
  credentials,
  title,
  testId,
  choices,
  value,
  changeFor,
  failure,
  onSummary,
}: {
  roomId: string;
  credentials: RoomCredentials;
  title: string;
  testId: string;
  choices: readonly SettingChoice<T>[];
  value: T;
  /** The room change that picks `next`. */
  changeFor: (next: T) => UpdateRoomBody;
  /** Shown when the change fails. */
  failure: string;
  onSummary: (summary: RoomSummary) => void;
}) {
  const api = useApi();
  const { run, busy, error } = useApiAction(failure);

  const choose = (next: T) => {
    if (next === value) return;
    void run(async () => onSummary(await api.updateRoom(roomId, changeFor(next), { credentials })));
  };

  return (
    <fieldset className="share-section" disabled={busy} data-testid={testId}>
      <legend className="share-section__title">{title}</legend>
      {choices.map((choice) => (
        <label key={choice.value} className="choice-row">
          <input
            type="radio"
            name={`${testId}-${roomId}`}
            value={choice.value}
            checked={value === choice.value}
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
