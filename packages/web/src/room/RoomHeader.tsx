import { useState } from 'react';
import type { LanguageId } from '@pairwise/protocol';
import { AccountMenu } from '../account/AccountMenu';
import type { ConnectionPhase } from '../lib/connectionStatus';
import { Brand } from '../ui/Brand';
import { LanguageSelect } from '../ui/LanguageSelect';
import { ThemeToggle } from '../ui/ThemeToggle';
import { CloseIcon, HistoryIcon, MenuIcon, PlayIcon, ShareIcon, StopIcon } from '../ui/icons';
import { ConnectionBadge } from './ConnectionBadge';
import { CopyLinkButton } from './CopyLinkButton';
import { RoomTitle } from './RoomTitle';
import { SuggestionsOffHint, SuggestionsToggle } from './SuggestionsToggle';
import type { SuggestionsToggleProps } from './SuggestionsToggle';

export interface RunControl {
  /** Why the Run button is disabled (its title); null when this person can run the code. */
  blockedReason: string | null;
  /** This tab runs the code now: the button stops it. */
  running: boolean;
  /** Run sends the code to the server (a language the browser does not run). */
  onServer: boolean;
  onRun: () => void;
  onStop: () => void;
}

/** Outside the folding actions: on a phone, Run stays one tap away. */
function RunButton({ blockedReason, running, onServer, onRun, onStop }: RunControl) {
  if (running) {
    return (
      <button type="button" className="btn btn--secondary topbar__run" onClick={onStop} data-testid="stop-button">
        <StopIcon />
        Stop
      </button>
    );
  }
  return (
    <button
      type="button"
      className="btn btn--primary topbar__run"
      onClick={onRun}
      disabled={blockedReason !== null}
      title={
        blockedReason ??
        (onServer
          ? 'Run the code on the server, in its sandbox; everyone in the room sees the output'
          : 'Run the code on this computer; everyone in the room sees the output')
      }
      data-testid="run-button"
      data-where={onServer ? 'server' : 'browser'}
    >
      <PlayIcon />
      {onServer ? 'Run on server' : 'Run'}
    </button>
  );
}

export function RoomHeader({
  name,
  language,
  phase,
  unsavedEdits,
  url,
  onLanguageChange,
  onRename,
  suggestions,
  onShare,
  onHistory,
  historyOpen,
  run,
}: {
  name: string;
  language: LanguageId;
  phase: ConnectionPhase;
  unsavedEdits: number;
  url: string;
  /** Null for viewers: the picker shows the language but cannot change it. */
  onLanguageChange: ((language: LanguageId) => void) | null;
  onRename: ((name: string) => void) | null;
  /** Null hides the suggestions button (viewers cannot type, so they get none). */
  suggestions: SuggestionsToggleProps | null;
  /** Owners only: opens the share dialog. */
  onShare: (() => void) | null;
  /** Null for those the room's history is not for; otherwise opens or closes the history panel. */
  onHistory: (() => void) | null;
  historyOpen: boolean;
  run: RunControl;
}) {
  // On narrow screens the actions fold into a menu; on wide ones CSS always shows them.
  const [menuOpen, setMenuOpen] = useState(false);
  const roomEnabled = suggestions?.roomEnabled ?? true;

  return (
    <header className="topbar topbar--room">
      <Brand compact />
      <div className="topbar__title">
        <RoomTitle name={name} onRename={onRename} />
        <ConnectionBadge phase={phase} unsavedEdits={unsavedEdits} />
        {!roomEnabled && <SuggestionsOffHint />}
      </div>
      <div className="topbar__spacer" />
      <RunButton {...run} />
      <button
        type="button"
        className="btn btn--ghost btn--icon topbar__menu"
        aria-expanded={menuOpen}
        aria-controls="room-actions"
        aria-label={menuOpen ? 'Close menu' : 'Open menu'}
        onClick={() => setMenuOpen((open) => !open)}
      >
        {menuOpen ? <CloseIcon /> : <MenuIcon />}
      </button>
      <div id="room-actions" className="topbar__actions" data-open={menuOpen}>
        <LanguageSelect
          value={language}
          onChange={(l) => onLanguageChange?.(l)}
          disabled={onLanguageChange === null}
          title={onLanguageChange === null ? 'Only editors can change the language' : undefined}
          ariaLabel="Language"
          name="language"
          className="select select--compact"
        />
        {suggestions && <SuggestionsToggle {...suggestions} />}
        {onHistory && (
          <button
            type="button"
            className="btn btn--secondary"
            aria-pressed={historyOpen}
            onClick={() => {
              setMenuOpen(false);
              onHistory();
            }}
            data-testid="history-button"
          >
            <HistoryIcon />
            History
          </button>
        )}
        {onShare && (
          <button
            type="button"
            className="btn btn--primary"
            onClick={() => {
              setMenuOpen(false);
              onShare();
            }}
            data-testid="share-button"
          >
            <ShareIcon />
            Share
          </button>
        )}
        <CopyLinkButton url={url} />
        <AccountMenu />
        <ThemeToggle />
      </div>
    </header>
  );
}
