import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { participantsFromStates } from '../lib/presence';
import type { Participant } from '../lib/presence';

function sameParticipants(a: readonly Participant[], b: readonly Participant[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => {
      const q = b[i];
      return (
        q !== undefined &&
        p.clientId === q.clientId &&
        p.name === q.name &&
        p.color === q.color &&
        p.typing === q.typing &&
        p.isSelf === q.isSelf
      );
    })
  );
}

/** Everyone in the room, re-derived on awareness changes and ticking while someone types. */
export function usePresence(awareness: Awareness | undefined): Participant[] {
  const [people, setPeople] = useState<Participant[]>([]);

  useEffect(() => {
    if (!awareness) {
      setPeople([]);
      return;
    }
    let tick: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      clearTimeout(tick);
      const next = participantsFromStates(awareness.getStates(), awareness.clientID, Date.now());
      setPeople((prev) => (sameParticipants(prev, next) ? prev : next));
      // "typing…" expires without any awareness event, so re-check while it is shown.
      if (next.some((p) => p.typing)) tick = setTimeout(refresh, 500);
    };
    refresh();
    awareness.on('change', refresh);
    return () => {
      clearTimeout(tick);
      awareness.off('change', refresh);
    };
  }, [awareness]);

  return people;
}
