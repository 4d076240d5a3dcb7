export type SocketStatus = 'connecting' | 'connected' | 'disconnected';
export type ConnectionPhase = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionFacts {
  socket: SocketStatus;
  /** The provider has exchanged state with the server on the current socket. */
  synced: boolean;
  /** Synced at least once since the room was opened. */
  everSynced: boolean;
  /** `navigator.onLine`. */
  online: boolean;
}

export function connectionPhase(facts: ConnectionFacts): ConnectionPhase {
  if (!facts.online) return 'offline';
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
  }
}

export function connectionHint(phase: ConnectionPhase, unsynced: boolean): string {
  if (phase === 'connected') return unsynced ? 'Sending your latest edits…' : 'All changes are synced.';
  const kept = unsynced ? ' Your edits are kept in this tab and sent when the connection is back.' : '';
  if (phase === 'offline') return `Your browser is offline.${kept}`;
  if (phase === 'connecting') return 'Connecting to the room…';
  return `Lost the connection to the server; retrying.${kept}`;
}
