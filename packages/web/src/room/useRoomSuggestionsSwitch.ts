import { useCallback, useEffect, useState } from 'react';
import type { RoomSummary } from '@pairwise/protocol';
import { useApi } from '../app/api';
import type { RoomCredentials } from '../lib/roomCredentials';
import { apiErrorMessage } from './share/useApiAction';

/**
 * The room's suggestions switch. Only the server writes it (`PATCH /api/rooms/:id` by the owner;
 * clients' writes to `meta.aiCompletions` are undone), so a change shows at once as pending,
 * settles when the room's meta says the same, and is dropped (with the reason) if the server refuses it.
 */
export function useRoomSuggestionsSwitch(
  roomId: string,
  current: boolean,
  credentials: RoomCredentials,
  onSummary: (summary: RoomSummary) => void,
): { on: boolean; change: (on: boolean) => void; error: string | null } {
  const api = useApi();
  const [pending, setPending] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (pending === current) setPending(null);
  }, [pending, current]);

  const change = useCallback(
    (on: boolean) => {
      setPending(on);
      setError(null);
      api
        .updateRoom(roomId, { aiCompletions: on }, { credentials })
        .then(onSummary)
        .catch((err: unknown) => {
          setPending(null);
          setError(apiErrorMessage(err, 'Could not change the switch for the room.'));
        });
    },
    [api, roomId, credentials, onSummary],
  );

  return { on: pending ?? current, change, error };
}
