import { useId, useState } from 'react';
import type { VersionSummary } from '@pairwise/protocol';
import { VERSION_NAME_MAX } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { formatRelativeTime } from '../../lib/time';
import { CloseIcon, PlayIcon } from '../../ui/icons';
import { useApiAction } from '../share/useApiAction';
import type { Comparison } from './DiffView';
import { useVersions } from './useVersions';
import '../../styles/history.css';

/**
 * The room's history beside the editor: replay the typing, save a version (editors), and for each
 * version compare it with now or with another one, or restore it (editors, after a confirmation).
 */
export function HistoryPanel({
  roomId,
  credentials,
  canEdit,
  onCompare,
  onReplay,
  onRestored,
  onClose,
}: {
  roomId: string;
  credentials: RoomCredentials;
  canEdit: boolean;
  onCompare: (comparison: Comparison) => void;
  onReplay: () => void;
  /** A version was restored: the editor shows it as it arrives. */
  onRestored: () => void;
  onClose: () => void;
}) {
  const api = useApi();
  const titleId = useId();
  const { versions, error: listError, reload } = useVersions(roomId, credentials);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [confirming, setConfirming] = useState<string | null>(null);
  const save = useApiAction('Could not save the version.');
  const restore = useApiAction('Could not restore the version.');

  const saveVersion = async () => {
    const trimmed = name.trim();
    if (!trimmed) return;
    if (await save.run(() => api.createVersion(roomId, trimmed, { credentials }))) {
      setName('');
      await reload();
    }
  };
  const restoreVersion = async (version: VersionSummary) => {
    setConfirming(null);
    if (await restore.run(() => api.restoreVersion(roomId, version.id, { credentials }))) {
      onRestored();
      await reload();
    }
  };
  const togglePick = (id: string) =>
    setPicked((current) => (current.includes(id) ? current.filter((p) => p !== id) : [...current.slice(-1), id]));
  const comparePicked = () => {
    const chosen = (versions ?? []).filter((v) => picked.includes(v.id));
    const [newer, older] = chosen; // the list is newest first
    if (newer && older) onCompare({ base: older, against: newer });
  };

  return (
    <aside className="history-panel" aria-labelledby={titleId} data-testid="history-panel">
      <div className="history-panel__header">
        <h2 id={titleId} className="history-panel__title">
          History
        </h2>
        <button type="button" className="btn btn--ghost btn--icon" aria-label="Close history" onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      <button type="button" className="btn btn--primary btn--block" onClick={onReplay} data-testid="replay-button">
        <PlayIcon />
        Replay the typing
      </button>
      {canEdit && (
        <form
          className="history-save"
          onSubmit={(event) => {
            event.preventDefault();
            void saveVersion();
          }}
        >
          <input
            className="input"
            aria-label="Version name"
            placeholder="Version name"
            maxLength={VERSION_NAME_MAX}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <button type="submit" className="btn btn--secondary" disabled={save.busy || name.trim() === ''}>
            Save version
          </button>
        </form>
      )}
      {[save.error, restore.error, listError].map(
        (message) =>
          message && (
            <p key={message} className="form-error" role="alert">
              {message}
            </p>
          ),
      )}
      <div className="history-panel__subhead">
        <h3>Versions</h3>
        {picked.length === 2 && (
          <button type="button" className="btn btn--secondary btn--small" onClick={comparePicked}>
            Compare selected
          </button>
        )}
      </div>
      {versions === null && !listError && <p className="history-panel__empty">Loading…</p>}
      {versions?.length === 0 && (
        <p className="history-panel__empty">No versions yet. Save one to mark this moment; automatic ones appear after pauses.</p>
      )}
      <ol className="version-list">
        {versions?.map((version) => (
          <li key={version.id} className="version" data-testid="version" data-version-name={version.name}>
            <div className="version__head">
              <label className="version__pick" title="Select two versions to compare them">
                <input
                  type="checkbox"
                  aria-label={`Select ${version.name} to compare`}
                  checked={picked.includes(version.id)}
                  onChange={() => togglePick(version.id)}
                />
              </label>
              <span className="version__name">{version.name}</span>
              {version.auto && <span className="history-badge">auto</span>}
            </div>
            <div className="version__meta">
              <time dateTime={version.createdAt} title={new Date(version.createdAt).toLocaleString()}>
                {formatRelativeTime(Date.parse(version.createdAt), Date.now())}
              </time>
              {version.authors.map((author) => (
                <span key={author.id} className="version__author" style={{ color: author.color }}>
                  {author.name}
                </span>
              ))}
            </div>
            {confirming === version.id ? (
              <div className="version__actions" data-testid="confirm-restore">
                <span className="version__confirm">Replace the code with this version?</span>
                <button type="button" className="btn btn--primary btn--small" onClick={() => void restoreVersion(version)}>
                  Restore
                </button>
                <button type="button" className="btn btn--ghost btn--small" onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </div>
            ) : (
              <div className="version__actions">
                <button type="button" className="btn btn--secondary btn--small" onClick={() => onCompare({ base: version, against: null })}>
                  Compare with now
                </button>
                {canEdit && (
                  <button
                    type="button"
                    className="btn btn--ghost btn--small"
                    disabled={restore.busy}
                    onClick={() => setConfirming(version.id)}
                  >
                    Restore…
                  </button>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
    </aside>
  );
}
