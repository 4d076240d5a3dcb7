import { useId, useRef } from 'react';
import { SUGGESTION_DELAY_CHOICES } from '../completion/settings';
import type { SuggestionSettings } from '../completion/settings';
import { placeUnder } from '../ui/anchorPopover';
import { SparklesIcon, SparklesOffIcon } from '../ui/icons';
import '../styles/suggestions.css';

export interface SuggestionsToggleProps {
  /** This browser's preferences. */
  settings: SuggestionSettings;
  onSettingsChange: (change: Partial<SuggestionSettings>) => void;
  /** The room's shared switch (`meta.aiCompletions`). */
  roomEnabled: boolean;
  /** Owners only (null hides the switch): asks the server, which then changes it for everyone. */
  onRoomEnabledChange: ((on: boolean) => void) | null;
  /** Why the last change of the room's switch failed. */
  roomSwitchError?: string | null;
}

/**
 * The suggestions button and its settings panel. The panel is a native popover: it closes on an
 * outside click or Esc by itself and sits above the phone menu it is opened from.
 */
export function SuggestionsToggle({
  settings,
  onSettingsChange,
  roomEnabled,
  onRoomEnabledChange,
  roomSwitchError = null,
}: SuggestionsToggleProps) {
  const panelId = `suggestions-${useId().replace(/[^\w-]/g, '')}`;
  const buttonRef = useRef<HTMLButtonElement>(null);
  const on = settings.enabled && roomEnabled;
  const choices: readonly number[] = SUGGESTION_DELAY_CHOICES;
  // A stored delay that is not one of the choices (edited by hand) still shows as selected.
  const delays = choices.includes(settings.delayMs) ? choices : [...choices, settings.delayMs].sort((a, b) => a - b);

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="btn btn--secondary suggest-toggle"
        popoverTarget={panelId}
        aria-haspopup="dialog"
        data-state={on ? 'on' : 'off'}
        data-testid="suggestions-toggle"
        title={on ? 'Suggestions are on' : roomEnabled ? 'Suggestions are off in this browser' : 'Suggestions are off for this room'}
      >
        <SparklesIcon />
        <span>Suggestions</span>
        <span className="suggest-toggle__state">{on ? 'On' : 'Off'}</span>
      </button>
      <div
        id={panelId}
        popover="auto"
        className="suggest-panel"
        role="dialog"
        aria-label="Suggestion settings"
        onBeforeToggle={(e) => placeUnder(e, buttonRef.current)}
      >
        <label className="switch-row">
          <span className="switch-row__text">
            <span className="switch-row__title">Show suggestions</span>
            <span className="switch-row__hint">Ghost text as you type, in this browser</span>
          </span>
          <input
            type="checkbox"
            // biome-ignore lint/a11y/useAriaPropsForRole: a native checkbox exposes its checked state to the switch role; ARIA in HTML says not to add aria-checked.
            role="switch"
            className="switch"
            checked={settings.enabled}
            onChange={(e) => onSettingsChange({ enabled: e.target.checked })}
          />
        </label>
        <label className="switch-row switch-row--sub">
          <span className="switch-row__title">Show after a pause of</span>
          <select
            className="select select--compact select--small"
            value={settings.delayMs}
            disabled={!settings.enabled}
            onChange={(e) => onSettingsChange({ delayMs: Number(e.target.value) })}
          >
            {delays.map((ms) => (
              <option key={ms} value={ms}>
                {ms} ms
              </option>
            ))}
          </select>
        </label>
        <hr className="suggest-panel__rule" />
        {onRoomEnabledChange ? (
          <label className="switch-row" data-testid="room-suggestions-switch">
            <span className="switch-row__text">
              <span className="switch-row__title">Suggestions for this room</span>
              <span className="switch-row__hint">For everyone in the room. Turn off for interviews.</span>
            </span>
            <input
              type="checkbox"
              // biome-ignore lint/a11y/useAriaPropsForRole: a native checkbox exposes its checked state to the switch role; ARIA in HTML says not to add aria-checked.
              role="switch"
              className="switch"
              checked={roomEnabled}
              onChange={(e) => onRoomEnabledChange(e.target.checked)}
            />
          </label>
        ) : (
          <p className="suggest-panel__note">
            {roomEnabled
              ? 'The room owner can switch suggestions off for everyone.'
              : 'The room owner switched suggestions off for everyone.'}
          </p>
        )}
        {roomSwitchError && (
          <p className="form-error suggest-panel__note" role="alert">
            {roomSwitchError}
          </p>
        )}
        <p className="suggest-panel__keys">
          <span>
            <kbd>Tab</kbd> accept
          </span>
          <span>
            <kbd>Esc</kbd> dismiss
          </span>
          <span>
            <kbd>Ctrl</kbd>+<kbd>Space</kbd> list all
          </span>
        </p>
      </div>
    </>
  );
}

/** Shown to everyone while the room's switch is off, so nobody wonders where suggestions went. */
export function SuggestionsOffHint() {
  return (
    <span
      className="room-hint"
      role="status"
      title="Suggestions are switched off for everyone in this room"
      data-testid="suggestions-off-hint"
    >
      <SparklesOffIcon />
      {/* On a phone only the icon fits next to the title; the text stays for screen readers. */}
      <span className="room-hint__label">Suggestions off for this room</span>
    </span>
  );
}
