import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../app/api';

/**
 * The room's suggestions switch. Only the server writes it (`PATCH /api/rooms/:id`; clients' writes
 * to `meta.aiCompletions` are undone), so a change shows at once as pending, settles when the room's
 * meta says the same, and is dropped if the server refuses it.
 */
export function useRoomSuggestionsSwitch(roomId: string, current: boolean): [on: boolean, change: (on: boolean) => void] {
  const api = useApi();
  const [pending, setPending] = useState<boolean | null>(null);

  useEffect(() => {
    if (pending === current) setPending(null);
  }, [pending, current]);

  const change = useCallback(
    (on: boolean) => {
      setPending(on);
      api.updateRoom(roomId, { aiCompletions: on }).catch(() => setPending(null));
    },
    [api, roomId],
  );

  return [pending ?? current, change];
}
