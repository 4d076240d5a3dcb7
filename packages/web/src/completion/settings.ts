import { isRecord, readJson } from '../lib/storage';
import type { KeyValueStore } from '../lib/storage';

export const SUGGESTION_SETTINGS_KEY = 'pairwise.suggestions';

/** How long the user must pause typing before ghost text is requested. */
export const DEFAULT_SUGGESTION_DELAY_MS = 400;
/** Below this, every keystroke would reach the server (and its rate limit); above, it feels broken. */
export const MIN_SUGGESTION_DELAY_MS = 100;
export const MAX_SUGGESTION_DELAY_MS = 3000;
/** What the settings menu offers; a hand-edited stored value in range is honoured too. */
export const SUGGESTION_DELAY_CHOICES = [200, DEFAULT_SUGGESTION_DELAY_MS, 700, 1200] as const;

/** This browser's preferences. The room-wide switch lives in the room's shared `meta` map instead. */
export interface SuggestionSettings {
  enabled: boolean;
  delayMs: number;
}

export const DEFAULT_SUGGESTION_SETTINGS: SuggestionSettings = { enabled: true, delayMs: DEFAULT_SUGGESTION_DELAY_MS };

export function clampDelay(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_SUGGESTION_DELAY_MS;
  return Math.round(Math.min(MAX_SUGGESTION_DELAY_MS, Math.max(MIN_SUGGESTION_DELAY_MS, value)));
}

/** Anything unreadable falls back field by field, so one bad value does not reset the other. */
export function loadSuggestionSettings(store: KeyValueStore): SuggestionSettings {
  const stored = readJson(store, SUGGESTION_SETTINGS_KEY);
  if (!isRecord(stored)) return DEFAULT_SUGGESTION_SETTINGS;
  return {
    enabled: typeof stored.enabled === 'boolean' ? stored.enabled : DEFAULT_SUGGESTION_SETTINGS.enabled,
    delayMs: clampDelay(stored.delayMs),
  };
}

export function saveSuggestionSettings(store: KeyValueStore, settings: SuggestionSettings): SuggestionSettings {
  const clean = { enabled: settings.enabled, delayMs: clampDelay(settings.delayMs) };
  store.setItem(SUGGESTION_SETTINGS_KEY, JSON.stringify(clean));
  return clean;
}
