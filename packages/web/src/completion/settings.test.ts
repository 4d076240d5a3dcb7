import { describe, expect, it } from 'vitest';
import { memoryStore } from '../lib/storage';
import {
  DEFAULT_SUGGESTION_DELAY_MS,
  MAX_SUGGESTION_DELAY_MS,
  MIN_SUGGESTION_DELAY_MS,
  SUGGESTION_SETTINGS_KEY,
  loadSuggestionSettings,
  saveSuggestionSettings,
} from './settings';

describe('suggestion settings', () => {
  it('defaults to on with the default delay', () => {
    expect(loadSuggestionSettings(memoryStore())).toEqual({ enabled: true, delayMs: DEFAULT_SUGGESTION_DELAY_MS });
  });

  it('round-trips through the store', () => {
    const store = memoryStore();
    saveSuggestionSettings(store, { enabled: false, delayMs: 700 });
    expect(loadSuggestionSettings(store)).toEqual({ enabled: false, delayMs: 700 });
  });

  it('clamps the delay on save and on load', () => {
    const store = memoryStore();
    expect(saveSuggestionSettings(store, { enabled: true, delayMs: 5 }).delayMs).toBe(MIN_SUGGESTION_DELAY_MS);
    store.setItem(SUGGESTION_SETTINGS_KEY, JSON.stringify({ enabled: true, delayMs: 99_999 }));
    expect(loadSuggestionSettings(store).delayMs).toBe(MAX_SUGGESTION_DELAY_MS);
  });

  it('falls back field by field on garbage', () => {
    const store = memoryStore({ [SUGGESTION_SETTINGS_KEY]: JSON.stringify({ enabled: 'yes', delayMs: 250 }) });
    expect(loadSuggestionSettings(store)).toEqual({ enabled: true, delayMs: 250 });
    store.setItem(SUGGESTION_SETTINGS_KEY, JSON.stringify({ enabled: false, delayMs: 'slow' }));
    expect(loadSuggestionSettings(store)).toEqual({ enabled: false, delayMs: DEFAULT_SUGGESTION_DELAY_MS });
    store.setItem(SUGGESTION_SETTINGS_KEY, '{not json');
    expect(loadSuggestionSettings(store)).toEqual({ enabled: true, delayMs: DEFAULT_SUGGESTION_DELAY_MS });
  });
});
