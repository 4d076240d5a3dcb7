import { useCallback, useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { META_KEYS, isLanguageId } from '@pairwise/protocol';
import type { LanguageId } from '@pairwise/protocol';

export interface RoomMeta {
  name: string;
  language: LanguageId;
  /** The room-wide suggestions switch (written by the server only); absent means on. */
  aiCompletions: boolean;
  /** The room-wide running switch (written by the server only); absent means on. */
  runCode: boolean;
}

type Fallback = Pick<RoomMeta, 'name' | 'language'>;

function readMeta(meta: Y.Map<unknown>, fallback: Fallback): RoomMeta {
  const name = meta.get(META_KEYS.name);
  const language = meta.get(META_KEYS.language);
  return {
    name: typeof name === 'string' && name.trim() !== '' ? name : fallback.name,
    language: isLanguageId(language) ? language : fallback.language,
    aiCompletions: meta.get(META_KEYS.aiCompletions) !== false,
    runCode: meta.get(META_KEYS.runCode) !== false,
  };
}

const sameMeta = (a: RoomMeta, b: RoomMeta) =>
  a.name === b.name && a.language === b.language && a.aiCompletions === b.aiCompletions && a.runCode === b.runCode;

/**
 * Room settings from the shared `meta` map, so a change by anyone reaches everyone. Until the
 * document has synced (or if a key is missing) the values from `GET /api/rooms/:id` stand in.
 */
export function useRoomMeta(meta: Y.Map<unknown> | undefined, fallback: Fallback) {
  const [value, setValue] = useState<RoomMeta>(() =>
    meta ? readMeta(meta, fallback) : { ...fallback, aiCompletions: true, runCode: true },
  );
  const { name: fallbackName, language: fallbackLanguage } = fallback;

  useEffect(() => {
    const fb = { name: fallbackName, language: fallbackLanguage };
    if (!meta) {
      setValue({ ...fb, aiCompletions: true, runCode: true });
      return;
    }
    const update = () =>
      setValue((prev) => {
        const next = readMeta(meta, fb);
        return sameMeta(prev, next) ? prev : next;
      });
    update();
    meta.observe(update);
    return () => meta.unobserve(update);
  }, [meta, fallbackName, fallbackLanguage]);

  const setLanguage = useCallback(
    (language: LanguageId) => {
      if (meta && meta.get(META_KEYS.language) !== language) meta.set(META_KEYS.language, language);
    },
    [meta],
  );

  const setName = useCallback(
    (name: string) => {
      const trimmed = name.trim();
      if (meta && trimmed !== '' && meta.get(META_KEYS.name) !== trimmed) meta.set(META_KEYS.name, trimmed);
    },
    [meta],
  );

  // No setter for aiCompletions or runCode: only the server writes them (owners change them through the API).
  return { ...value, setLanguage, setName };
}
