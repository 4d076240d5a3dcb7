import { cannotSaveMessage } from '../lib/connectionStatus';
import type { ConnectionPhase } from '../lib/connectionStatus';

/** A strip under the header for states the small badge cannot explain: today, a server that cannot save. */
export function ConnectionBanner({ phase, unsynced }: { phase: ConnectionPhase; unsynced: boolean }) {
  if (phase !== 'cannot-save') return null;
  return (
    <div className="room-banner room-banner--warn" role="alert" data-testid="connection-banner">
      {cannotSaveMessage(unsynced)}
    </div>
  );
}
