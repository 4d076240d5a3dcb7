import { useCallback, useState } from 'react';
import { loadIdentity, saveName } from '../lib/identity';
import type { Identity } from '../lib/identity';
import { browserStore } from '../lib/storage';

export function useIdentity(): { identity: Identity; setName: (name: string) => void } {
  const [identity, setIdentity] = useState<Identity>(() => loadIdentity(browserStore()));
  const setName = useCallback((name: string) => setIdentity(saveName(browserStore(), name)), []);
  return { identity, setName };
}
