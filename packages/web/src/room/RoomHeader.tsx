import { useState } from 'react';
import type { LanguageId } from '@pairwise/protocol';
import type { ConnectionPhase } from '../lib/connectionStatus';
import { Brand } from '../ui/Brand';
import { LanguageSelect } from '../ui/LanguageSelect';
import { ThemeToggle } from '../ui/ThemeToggle';
import { CloseIcon, MenuIcon } from '../ui/icons';
import { ConnectionBadge } from './ConnectionBadge';
import { CopyLinkButton } from './CopyLinkButton';
import { RoomTitle } from './RoomTitle';
import { SuggestionsOffHint, SuggestionsToggle } from './SuggestionsToggle';
import type { SuggestionsToggleProps } from './SuggestionsToggle';

export function RoomHeader({
  name,
  language,
  phase,
  unsynced,
  url,
  onLanguageChange,
  onRename,
  suggestions,
}: {
  name: string;
  language: LanguageId;
  phase: ConnectionPhase;
  unsynced: boolean;
  url: string;
  onLanguageChange: (language: LanguageId) => void;
  onRename: (name: string) => void;
  suggestions: SuggestionsToggleProps;
}) {
  // On narrow screens the actions fold into a menu; on wide ones CSS always shows them.
  const [menuOpen, setMenuOpen] = useState(false);

  return (
    <header className="topbar topbar--room">
      <Brand compact />
      <div className="topbar__title">
        <RoomTitle name={name} onRename={onRename} />
        <ConnectionBadge phase={phase} unsynced={unsynced} />
        {!suggestions.roomEnabled && <SuggestionsOffHint />}
      </div>
      <div className="topbar__spacer" />
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
          onChange={onLanguageChange}
          ariaLabel="Language"
          name="language"
          className="select select--compact"
        />
        <SuggestionsToggle {...suggestions} />
        <CopyLinkButton url={url} />
        <ThemeToggle />
      </div>
    </header>
  );
}
