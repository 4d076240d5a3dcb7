/** The part of the Web Storage API the app uses, so pure logic can be tested with an in-memory store. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function memoryStore(initial: Record<string, string> = {}): KeyValueStore {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

/**
 * localStorage when it works. Private modes and locked-down browsers throw on access or on
 * write; the app must still run there, it just forgets things on reload.
 */
export function browserStore(): KeyValueStore {
  try {
    const ls = globalThis.localStorage;
    const probe = '__pairwise_probe__';
    ls.setItem(probe, probe);
    ls.removeItem(probe);
    return {
      getItem: (key) => ls.getItem(key),
      setItem: (key, value) => {
        try {
          ls.setItem(key, value);
        } catch {
          // Quota exceeded: losing a preference is better than breaking the page.
        }
      },
      removeItem: (key) => ls.removeItem(key),
    };
  } catch {
    return memoryStore();
  }
}

export function readJson(store: KeyValueStore, key: string): unknown {
  const raw = store.getItem(key);
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
