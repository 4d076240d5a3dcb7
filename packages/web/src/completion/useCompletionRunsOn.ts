import { useEffect, useState } from 'react';
import type { CompletionRunsOn } from '@pairwise/protocol';
import { useApi } from '../app/api';

/**
 * Where this page's ghost text is computed, as the server says (`GET /api/capabilities`, asked once
 * per page). Until it answers, or when it cannot be reached, the page's own engine answers: it is the
 * server's local engine, and it works offline.
 */
export function useCompletionRunsOn(): CompletionRunsOn {
  const api = useApi();
  const [runsOn, setRunsOn] = useState<CompletionRunsOn>(() => known ?? 'browser');
  useEffect(() => {
    let live = true;
    asked ??= api.capabilities().then(
      (capabilities) => (known = capabilities.completion),
      () => {
        // Asked again by the next room opened: the server may be back.
        asked = null;
        return 'browser' as const;
      },
    );
    void asked.then((answer) => {
      if (live) setRunsOn(answer);
    });
    return () => {
      live = false;
    };
  }, [api]);
  return runsOn;
}

let known: CompletionRunsOn | null = null;
let asked: Promise<CompletionRunsOn> | null = null;
