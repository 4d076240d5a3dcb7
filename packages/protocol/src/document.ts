/**
 * How a room lives inside its Y.Doc. Every client and the server agree on these names;
 * changing one is a breaking protocol change.
 */
export const CODE_TEXT = 'code';
export const META_MAP = 'meta';

/** Keys of the `meta` Y.Map. Room settings live here so a change by one user reaches everyone and is stored. */
export const META_KEYS = {
  name: 'name',
  language: 'language',
  aiCompletions: 'aiCompletions',
  /** The owner's switch for running the room's code (default on). */
  runCode: 'runCode',
} as const;

/**
 * Keys of the `meta` map only the server writes (owners change them with `PATCH /api/rooms/:id`):
 * a client update that touches one is undone in the same transaction, whoever sends it.
 */
export const SERVER_ONLY_META_KEYS: readonly string[] = [META_KEYS.aiCompletions, META_KEYS.runCode];

/**
 * The author id the update log records for changes the server makes itself (a new room's starter
 * code, settings, fixed line endings). Here rather than beside the history schemas: the storage
 * thread writes it and must not load those (see storage/snapshot-worker.test.ts).
 */
export const SERVER_AUTHOR_ID = 'server';

/** The y-websocket message types (y-protocols PROTOCOL.md). The first varUint of every frame. */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;

/** WebSocket close codes the server uses, so clients can tell why they were dropped. */
export const CLOSE_CODES = {
  /** Standard: the frame was not a valid y-websocket message. */
  invalidMessage: 1007,
  /** Standard: text frame where binary is expected. */
  unsupportedData: 1003,
  /** Standard: frame larger than the configured limit. */
  messageTooBig: 1009,
  /** Standard: the room could not be loaded; retry later. */
  internalError: 1011,
  /** Standard: the client fell too far behind; reconnect and resync. */
  tryAgainLater: 1013,
  /** Standard: the server is shutting down. */
  goingAway: 1001,
  /** Standard: the server is restarting (graceful shutdown); reconnect, possibly to another instance. */
  serviceRestart: 1012,
  /**
   * Pairwise: your role in the room changed; reconnect to continue with the new role. Sent when an
   * open connection's role is lowered (to viewer, or owner to editor), so the client learns of it at
   * once instead of its writes being dropped unseen. Outside 4400-4499 on purpose: clients reconnect.
   */
  roleChanged: 4100,
  /** Pairwise: the room id is not valid. */
  invalidRoomId: 4400,
  /** Pairwise: the session ended (signed out, expired or revoked); sign in again. */
  sessionEnded: 4401,
  /**
   * Pairwise: no such room, or no access to it (a private room, or the caller's role was taken
   * away). A room that does not exist is refused the same way, so outsiders learn nothing.
   */
  forbidden: 4403,
  /** Pairwise: too many messages or bytes from this connection or address; slow down and reconnect later. */
  rateLimited: 4429,
  /**
   * Pairwise: the room was deleted while this client was in it. Also sent to a client that still
   * holds a deleted room's content after a new room took the same id: its edits belong to the old room.
   */
  roomNotFound: 4404,
  /**
   * Pairwise: the edit would push the room past its size limits (MAX_ROOM_TEXT_LENGTH, MAX_ROOM_BYTES);
   * it was not applied. Final: resending it would be refused again, so clients do not reconnect to push it.
   */
  roomFull: 4413,
  /**
   * Pairwise: the server cannot store edits right now (storage down or its backlog full), so it
   * takes no more edits in this room. Outside 4400-4499 on purpose: clients keep their edits and
   * reconnect with back-off, pushing them once storage is back.
   */
  storageUnavailable: 4503,
} as const;
