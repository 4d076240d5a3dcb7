import { useId } from 'react';
import type { HistoryAccess, RoomSummary, Visibility } from '@pairwise/protocol';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { CloseIcon } from '../../ui/icons';
import { useEscapeKey } from '../../ui/useEscapeKey';
import { HistoryAccessSection } from './HistoryAccessSection';
import { LinksSection } from './LinksSection';
import { MembersSection } from './MembersSection';
import { RunCodeSection } from './RunCodeSection';
import { VisibilitySection } from './VisibilitySection';
import '../../styles/share.css';

/** The owner's sharing controls: visibility, share links, members, who sees history, running code. Every change goes through the API. */
export function ShareDialog({
  roomId,
  roomName,
  credentials,
  visibility,
  historyAccess,
  runCode,
  onSummary,
  onClose,
}: {
  roomId: string;
  roomName: string;
  credentials: RoomCredentials;
  visibility: Visibility;
  historyAccess: HistoryAccess;
  runCode: boolean;
  onSummary: (summary: RoomSummary) => void;
  onClose: () => void;
}) {
  const titleId = useId();

  useEscapeKey(onClose);

  return (
    <div className="modal-backdrop">
      <div className="modal modal--wide" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="share-dialog">
        <div className="modal__header">
          <h2 id={titleId} className="modal__title">
            Share “{roomName}”
          </h2>
          <button type="button" className="btn btn--ghost btn--icon" aria-label="Close" onClick={onClose}>
            <CloseIcon />
          </button>
        </div>
        <VisibilitySection roomId={roomId} credentials={credentials} visibility={visibility} onSummary={onSummary} />
        <LinksSection roomId={roomId} credentials={credentials} />
        <MembersSection roomId={roomId} credentials={credentials} />
        <HistoryAccessSection roomId={roomId} credentials={credentials} historyAccess={historyAccess} onSummary={onSummary} />
        <RunCodeSection roomId={roomId} credentials={credentials} runCode={runCode} onSummary={onSummary} />
      </div>
    </div>
  );
}
