import { useCallback, useEffect, useRef, useState } from 'react';
import type { RoomRole } from '@pairwise/protocol';

/**
 * A notice for a role that changed while the room was open (e.g. an owner made us a viewer), so
 * a tab that suddenly turns read-only says why. `role` is null while the room is not open; a
 * fresh load (another account, a reopen) starts over and shows nothing.
 */
export function useRoleNotice(role: RoomRole | null): { changedTo: RoomRole | null; dismiss: () => void } {
  const shown = useRef<RoomRole | null>(null);
  const [changedTo, setChangedTo] = useState<RoomRole | null>(null);

  useEffect(() => {
    const before = shown.current;
    shown.current = role;
    if (role === null) setChangedTo(null);
    else if (before !== null && before !== role) setChangedTo(role);
  }, [role]);

  const dismiss = useCallback(() => setChangedTo(null), []);
  return { changedTo, dismiss };
}
