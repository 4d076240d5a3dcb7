import { useEffect, useState } from 'react';
import type { RoomRole } from '@pairwise/protocol';
import { cannotSaveMessage, rateLimitedMessage } from '../lib/connectionStatus';
import type { ConnectionPhase } from '../lib/connectionStatus';
import { CloseIcon, EyeIcon } from '../ui/icons';

/** Whole seconds until `at`, re-rendered every second while counting. */
function useSecondsUntil(at: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}

/** A strip under the header for states the small badge cannot explain: a server that cannot save, or one that paused us. */
export function ConnectionBanner({ phase, unsaved, retryAt }: { phase: ConnectionPhase; unsaved: boolean; retryAt: number | null }) {
  const seconds = useSecondsUntil(phase === 'rate-limited' ? retryAt : null);
  if (phase !== 'cannot-save' && phase !== 'rate-limited') return null;
  return (
    <div className="room-banner room-banner--warn" role="alert" data-testid="connection-banner" data-phase={phase}>
      {phase === 'cannot-save' ? cannotSaveMessage(unsaved) : rateLimitedMessage(seconds, unsaved)}
    </div>
  );
}

/** Tells a viewer why typing does nothing, before they try. */
export function ViewerBanner() {
  return (
    <div className="room-banner room-banner--info" role="status" data-testid="viewer-banner">
      <EyeIcon />
      <span>You are viewing — only editors can change the code.</span>
    </div>
  );
}

/** Says why the room just changed under us: the owner gave us another role while it was open. */
export function RoleChangedBanner({ role, onDismiss }: { role: RoomRole; onDismiss: () => void }) {
  return (
    <div className="room-banner room-banner--info" role="status" data-testid="role-notice" data-role={role}>
      <span>Your role changed to {role}</span>
      <button type="button" className="btn btn--ghost btn--icon room-banner__dismiss" aria-label="Dismiss" onClick={onDismiss}>
        <CloseIcon />
      </button>
    </div>
  );
}
