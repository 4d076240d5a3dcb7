import type { RoomMessage } from '../sync/role-matrix.js';

/** Why a connection was closed for what it sent (or how it sent it), as `pairwise_protocol_errors_total{kind}` counts it. */
export type ProtocolErrorKind = 'invalid_message' | 'text_frame' | 'frame_too_large' | 'websocket';

/** Which abuse limit refused a client, as `pairwise_limit_hits_total{limit}` counts it. */
export type LimitName =
  | 'connection_rate'
  | 'room_connections'
  | 'room_size'
  | 'client_too_slow'
  | 'unsent_bytes'
  // WebSocket upgrades refused before they complete (403, 429).
  | 'origin'
  | 'connections_per_address'
  | 'handshake_rate'
  // HTTP requests answered 429.
  | 'api_rate'
  | 'autocomplete_rate'
  | 'room_creation_rate'
  | 'login_attempts'
  | 'chat_rate';

/**
 * Why an instance repaired its copy of a room, as `pairwise_cluster_repairs_total{reason}` counts it:
 * a state check found a hole, the bus lost log entries (gap), or a peer never confirmed storing its
 * edits so this instance stored them (peer_unconfirmed, e.g. after the peer was killed).
 */
export type ClusterRepairReason = 'state_check' | 'gap' | 'peer_unconfirmed';

/**
 * What the server reports about itself: the one interface the engine, transport and storage pipeline
 * emit into, so no component depends on a metrics library (see prom-server-events.ts). Calls are
 * synchronous and cheap, and never throw.
 */
export interface ServerEvents {
  connectionOpened(): void;
  connectionClosed(): void;
  roomLoaded(): void;
  roomUnloaded(): void;
  /** A change a room accepted (from a client or the server), with its encoded size. */
  updateApplied(bytes: number): void;
  /** A client frame the room could read, by type (whether or not its role allowed it). */
  messageReceived(type: RoomMessage): void;
  /** From a client's frame entering the room to the last socket its change was sent to. */
  fanout(seconds: number): void;
  /** One successful storage write of `updates` updates. */
  storeCommitted(seconds: number, updates: number): void;
  /** Updates accepted but not stored yet, across all rooms. */
  storeQueue(updates: number): void;
  protocolError(kind: ProtocolErrorKind): void;
  limitHit(limit: LimitName): void;
  /** One update published to the room bus, until it was in the room's log. */
  redisPublished(seconds: number): void;
  /** Instances serving a room disagreed and this one repaired its copy (see ClusterRepairReason). */
  clusterRepaired(reason: ClusterRepairReason): void;
}

const ignore = (): void => {};

/** Reports nothing: the default where no metrics are wanted (unit tests, tools). */
export const NO_SERVER_EVENTS: ServerEvents = {
  connectionOpened: ignore,
  connectionClosed: ignore,
  roomLoaded: ignore,
  roomUnloaded: ignore,
  updateApplied: ignore,
  messageReceived: ignore,
  fanout: ignore,
  storeCommitted: ignore,
  storeQueue: ignore,
  protocolError: ignore,
  limitHit: ignore,
  redisPublished: ignore,
  clusterRepaired: ignore,
};
