/** Per-room limits (README: MAX_CONNECTIONS_PER_ROOM, MAX_AWARENESS_IDS_PER_CONNECTION, MAX_ROOM_TEXT_LENGTH, MAX_ROOM_BYTES). */
export interface RoomLimits {
  /** Connections one room takes; more are refused with 4429. */
  maxConnections: number;
  /** Awareness client ids one connection may speak for; announcements of more are dropped. */
  maxAwarenessIdsPerConnection: number;
  /** How long an awareness client id freed by a disconnect stays reserved for the same person. */
  awarenessIdGraceMs: number;
  /** Characters the code text may hold; an edit past it is refused with 4413. */
  maxTextLength: number;
  /** Bytes the room's stored document may take; an edit past it is refused with 4413. */
  maxBytes: number;
}

export const DEFAULT_ROOM_LIMITS: RoomLimits = {
  maxConnections: 200,
  maxAwarenessIdsPerConnection: 4,
  awarenessIdGraceMs: 30_000,
  maxTextLength: 1_000_000,
  maxBytes: 16 * 1024 * 1024,
};
