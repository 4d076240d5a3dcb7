import { useCallback, useEffect, useState } from 'react';
import { browserStore } from '../lib/storage';
import { SUGGESTION_SETTINGS_KEY, loadSuggestionSettings, saveSuggestionSettings } from './settings';
import type { SuggestionSettings } from './settings';

/** This browser's suggestion preferences, saved on change and kept in step with other tabs. */
export function useSuggestionSettings() {
  const [settings, setSettings] = useState<SuggestionSettings>(() => loadSuggestionSettings(browserStore()));

  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === SUGGESTION_SETTINGS_KEY || event.key === null) setSettings(loadSuggestionSettings(browserStore()));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const update = useCallback((change: Partial<SuggestionSettings>) => {
    setSettings((current) => saveSuggestionSettings(browserStore(), { ...current, ...change }));
  }, []);

  return { ...settings, update };
}
