import { CLOSE_CODES } from '@pairwise/protocol';

export type SocketStatus = 'connecting' | 'connected' | 'disconnected';
/**
 * `cannot-save`: the server is up but cannot store edits; this tab keeps them and retries.
 * `rate-limited`: the server closed the socket for sending too much (4429); this tab waits, then retries.
 */
export type ConnectionPhase = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'cannot-save' | 'rate-limited';

export interface ConnectionFacts {
  socket: SocketStatus;
  /** The provider has exchanged state with the server on the current socket. */
  synced: boolean;
  /** Synced at least once since the room was opened. */
  everSynced: boolean;
  /** `navigator.onLine`. */
  online: boolean;
  /** The server last closed the socket because it cannot store edits (4503), and no sync has worked since. */
  storageDown: boolean;
  /** When the next attempt after a 4429 is due (epoch ms); null when not rate limited. */
  retryAt: number | null;
}

/** A close after which this tab stops syncing and shows a screen instead of the editor. */
export type FinalClose = 'deleted' | 'invalid' | 'no-access' | 'signed-out' | 'full' | 'refused';

/**
 * What a close from the server means for this tab. 4400-4499 are final (the provider stops
 * retrying) except `rate-limited` (4429), which this app retries itself after a back-off;
 * `storage-down` (4503) keeps the edits and retries; `role-changed` (4100: our role was lowered)
 * reconnects like a drop, and the tab re-reads its role at once; anything else is an ordinary `drop`.
 */
export function closeKind(code: number): FinalClose | 'rate-limited' | 'storage-down' | 'role-changed' | 'drop' {
  switch (code) {
    case CLOSE_CODES.roleChanged:
      return 'role-changed';
    case CLOSE_CODES.roomNotFound:
      return 'deleted';
    case CLOSE_CODES.invalidRoomId:
      return 'invalid';
    case CLOSE_CODES.forbidden:
      return 'no-access';
    case CLOSE_CODES.sessionEnded:
      return 'signed-out';
    case CLOSE_CODES.roomFull:
      return 'full';
    case CLOSE_CODES.rateLimited:
      return 'rate-limited';
    case CLOSE_CODES.storageUnavailable:
      return 'storage-down';
  }
  return code >= 4400 && code < 4500 ? 'refused' : 'drop';
}

/** First wait after a 4429; doubles per refusal in a row. */
export const RATE_LIMIT_FIRST_DELAY_MS = 2_000;
export const RATE_LIMIT_MAX_DELAY_MS = 60_000;

/**
 * How long to wait before reconnecting after the `attempt`-th 4429 in a row (0-based). Jittered
 * by up to a fifth either way so a class behind one NAT does not come back in lockstep.
 */
export function rateLimitDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RATE_LIMIT_MAX_DELAY_MS, RATE_LIMIT_FIRST_DELAY_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function connectionPhase(facts: ConnectionFacts): ConnectionPhase {
  if (!facts.online) return 'offline';
  if (facts.storageDown) return 'cannot-save';
  if (facts.retryAt !== null) return 'rate-limited';
  if (facts.socket === 'connected' && facts.synced) return 'connected';
  return facts.everSynced ? 'reconnecting' : 'connecting';
}

/** "1 edit waiting", "3 edits waiting". */
export function editsWaiting(unsavedEdits: number): string {
  return `${unsavedEdits} ${unsavedEdits === 1 ? 'edit' : 'edits'} waiting`;
}

/**
 * The badge's words. `unsavedEdits`: this tab's edits the server has not yet said are stored;
 * "Saved" only once it has (see UnsavedEdits).
 */
export function connectionLabel(phase: ConnectionPhase, unsavedEdits: number): string {
  const waiting = unsavedEdits > 0 ? ` — ${editsWaiting(unsavedEdits)}` : '';
  switch (phase) {
    case 'connected':
      return unsavedEdits > 0 ? 'Saving…' : 'Saved';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return unsavedEdits > 0 ? `Reconnecting${waiting}` : 'Reconnecting…';
    case 'offline':
      return `Offline${waiting}`;
    case 'cannot-save':
      return unsavedEdits > 0 ? `Can't save${waiting}` : "Can't save right now";
    case 'rate-limited':
      return `Paused${waiting}`;
  }
}

export function connectionHint(phase: ConnectionPhase, unsavedEdits: number): string {
  const unsaved = unsavedEdits > 0;
  if (phase === 'connected') return unsaved ? 'Storing your latest edits on the server…' : 'All your edits are stored on the server.';
  const kept = unsaved ? ' Your edits are kept in this tab and sent when the connection is back.' : '';
  if (phase === 'offline') return `Your browser is offline.${kept}`;
  if (phase === 'connecting') return 'Connecting to the room…';
  if (phase === 'cannot-save') return cannotSaveMessage(unsaved);
  if (phase === 'rate-limited') return `Too many requests from this tab; retrying shortly.${kept}`;
  return `Lost the connection to the server; retrying.${kept}`;
}

/** The longer explanation of `cannot-save`, for the banner and the badge's tooltip. */
export function cannotSaveMessage(unsaved: boolean): string {
  const edits = unsaved
    ? 'Your edits are kept in this tab and will be sent when the server recovers: keep this tab open.'
    : 'Edits you make are kept in this tab and will be sent when the server recovers.';
  return `The server can't save changes right now. ${edits}`;
}

/** The banner under the header while rate limited; `seconds` until the next attempt. */
export function rateLimitedMessage(seconds: number, unsaved: boolean): string {
  const when = seconds > 0 ? `in ${seconds} s` : 'now';
  const edits = unsaved ? ' Your edits are kept in this tab and sent once it reconnects.' : '';
  return `Too many requests: the server paused this connection. Retrying ${when}.${edits}`;
}
