import { connectionHint, connectionLabel } from '../lib/connectionStatus';
import type { ConnectionPhase } from '../lib/connectionStatus';

/** The connection and save state beside the room's name: "Saved" only once the server has stored our edits. */
export function ConnectionBadge({ phase, unsavedEdits }: { phase: ConnectionPhase; unsavedEdits: number }) {
  const unsaved = unsavedEdits > 0;
  return (
    <span
      className={`badge badge--${phase}${unsaved ? ' badge--unsaved' : ''}`}
      role="status"
      aria-live="polite"
      title={connectionHint(phase, unsavedEdits)}
      data-testid="connection-badge"
      data-phase={phase}
      data-unsaved-edits={unsavedEdits}
    >
      <span className="badge__dot" aria-hidden="true" />
      <span className="badge__label">{connectionLabel(phase, unsavedEdits)}</span>
    </span>
  );
}
