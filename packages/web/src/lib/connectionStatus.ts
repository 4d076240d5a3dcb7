import { CLOSE_CODES } from '@pairwise/protocol';

export type SocketStatus = 'connecting' | 'connected' | 'disconnected';
/** `cannot-save`: the server is up but cannot store edits; this tab keeps them and retries. */
export type ConnectionPhase = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'cannot-save';

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
}

/**
 * What a close from the server means for this tab: `gone` for good (4400-4499: the provider stops
 * retrying), `storage-down` (4503: keep the edits, retry with back-off), or an ordinary `drop`.
 */
export function closeKind(code: number): 'gone' | 'storage-down' | 'drop' {
  if (code >= 4400 && code < 4500) return 'gone';
  return code === CLOSE_CODES.storageUnavailable ? 'storage-down' : 'drop';
}

export function connectionPhase(facts: ConnectionFacts): ConnectionPhase {
  if (!facts.online) return 'offline';
  if (facts.storageDown) return 'cannot-save';
  if (facts.socket === 'connected' && facts.synced) return 'connected';
  return facts.everSynced ? 'reconnecting' : 'connecting';
}

export function connectionLabel(phase: ConnectionPhase, unsynced: boolean): string {
  switch (phase) {
    case 'connected':
      return unsynced ? 'Saving…' : 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return unsynced ? 'Reconnecting · unsynced edits' : 'Reconnecting…';
    case 'offline':
      return unsynced ? 'Offline · unsynced edits' : 'Offline';
    case 'cannot-save':
      return unsynced ? "Can't save · edits kept here" : "Can't save right now";
  }
}

export function connectionHint(phase: ConnectionPhase, unsynced: boolean): string {
  if (phase === 'connected') return unsynced ? 'Sending your latest edits…' : 'All changes are synced.';
  const kept = unsynced ? ' Your edits are kept in this tab and sent when the connection is back.' : '';
  if (phase === 'offline') return `Your browser is offline.${kept}`;
  if (phase === 'connecting') return 'Connecting to the room…';
  if (phase === 'cannot-save') return cannotSaveMessage(unsynced);
  return `Lost the connection to the server; retrying.${kept}`;
}

/** The longer explanation of `cannot-save`, for the banner and the badge's tooltip. */
export function cannotSaveMessage(unsynced: boolean): string {
  const edits = unsynced
    ? 'Your edits are kept in this tab and will be sent when the server recovers: keep this tab open.'
    : 'Edits you make are kept in this tab and will be sent when the server recovers.';
  return `The server can't save changes right now. ${edits}`;
}
