import { connectionHint, connectionLabel } from '../lib/connectionStatus';
import type { ConnectionPhase } from '../lib/connectionStatus';

export function ConnectionBadge({ phase, unsynced }: { phase: ConnectionPhase; unsynced: boolean }) {
  return (
    <span
      className={`badge badge--${phase}${unsynced ? ' badge--unsynced' : ''}`}
      role="status"
      aria-live="polite"
      title={connectionHint(phase, unsynced)}
      data-testid="connection-badge"
      data-phase={phase}
      data-unsynced={unsynced}
    >
      <span className="badge__dot" aria-hidden="true" />
      <span className="badge__label">{connectionLabel(phase, unsynced)}</span>
    </span>
  );
}
