/**
 * The cross-instance interface of scale-out: what one Pairwise instance tells the others about a room.
 * Two implementations pass one contract suite (room-bus.contract.ts): LocalRoomBus (in-process) and
 * RedisRoomBus (Redis Streams + pub/sub). See the README "Scale-out design" section for why.
 */
import { z } from 'zod';
import { chatMessageSchema } from '@pairwise/protocol';
import { runServerMessageSchema } from '../runs/run-frame.js';

/** Base64 length of the largest repair answer: a whole room's state at the default room size limit, with room to spare. */
const MAX_REPAIR_BASE64 = 64 * 1024 * 1024;

/**
 * Room events other than document edits. They carry what changed, not the new state: a receiver
 * re-reads the room from storage, so a late or repeated event does no harm.
 */
export const controlEventSchema = z.discriminatedUnion('type', [
  /** Name, visibility or AI completions changed (stored before publishing). */
  z.object({ type: z.literal('settings-changed') }),
  /** The room was deleted; only the incarnation named here, so a re-created room is not closed. */
  z.object({ type: z.literal('room-deleted'), incarnation: z.string().min(1).max(200) }),
  /** Visibility, a member's role or a link changed: open connections are reviewed. */
  z.object({ type: z.literal('access-changed') }),
  /** A sign-in session ended: its connections in this room close with 4401. */
  z.object({ type: z.literal('session-ended'), sessionId: z.string().min(1).max(200) }),
  /**
   * The repair exchange: the sender's Yjs state vector (base64) in this incarnation. A peer holding
   * structs the vector lacks publishes them as an ordinary update; one on another incarnation resyncs.
   */
  z.object({ type: z.literal('state-vector'), incarnation: z.string().min(1).max(200), vector: z.base64().max(1024 * 1024) }),
  /**
   * The sender has published `published` updates to the room (in this incarnation's link) and stored
   * the first `through` of them; peers holding copies of later ones keep them until confirmed.
   */
  z.object({
    type: z.literal('stored'),
    incarnation: z.string().min(1).max(200),
    published: z.number().int().nonnegative(),
    through: z.number().int().nonnegative(),
  }),
  /** The periodic state check: what the sender's copy holds (state vector, and a digest of it with its deletions). */
  z.object({
    type: z.literal('state-check'),
    incarnation: z.string().min(1).max(200),
    vector: z.base64().max(1024 * 1024),
    digest: z.string().min(1).max(100),
  }),
  /** The answer to a state check: an update (base64) holding what the checking copy lacked. */
  z.object({ type: z.literal('repair'), incarnation: z.string().min(1).max(200), update: z.base64().max(MAX_REPAIR_BASE64) }),
  /** A chat message, stored before publishing: instances holding the room send it to their subscribers. */
  z.object({ type: z.literal('chat'), message: chatMessageSchema }),
  /** A run started, streamed output, ended or was asked to stop: instances holding the room send it to their subscribers. */
  z.object({ type: z.literal('run'), message: runServerMessageSchema }),
]);
export type ControlEvent = z.infer<typeof controlEventSchema>;

/** What a joined room hears from the other instances. Never called for the instance's own messages. */
export interface RoomBusHandlers {
  /** A Yjs update, in the order the log holds them. */
  update(update: Uint8Array, origin: string): void;
  /** An encoded awareness update; may be lost, clients re-send their state every 15 s. */
  awareness(update: Uint8Array, origin: string): void;
  /** A control event, ordered with the updates. */
  control(event: ControlEvent, origin: string): void;
  /**
   * Messages were lost (the subscriber fell behind the trimmed log, or the log was reset): the room
   * must resync from storage and from its peers (exchange sync step 1 / step 2 with each instance).
   */
  gap(): void;
}

/** One instance's membership of one room. */
export interface RoomSubscription {
  readonly roomId: string;
  /** Resolves once the update is in the room's log; it waits out a reconnect instead of failing. */
  publishUpdate(update: Uint8Array): Promise<void>;
  /** Best effort: resolves when sent, the message may still be lost. */
  publishAwareness(update: Uint8Array): Promise<void>;
  publishControl(event: ControlEvent): Promise<void>;
  /** Stops delivery and releases what the room held (subscriptions, read positions). */
  leave(): Promise<void>;
}

export interface RoomBus {
  /** Stamped on everything this instance publishes; its own messages are not delivered back to it. */
  readonly instanceId: string;
  /** Delivers everything published to the room after the returned promise resolves. One join per room. */
  join(roomId: string, handlers: RoomBusHandlers): Promise<RoomSubscription>;
  /** Resolves when the bus's backing service answers (readiness); rejects otherwise. */
  ping(): Promise<void>;
  /** Leaves every room and releases connections. */
  close(): Promise<void>;
}

/**
 * Called when a handler throws, a message cannot be read (with its room) or a connection fails (room
 * null); one room's failure never stops the others.
 */
export type RoomBusErrorListener = (error: unknown, roomId: string | null) => void;

export class RoomAlreadyJoinedError extends Error {
  constructor(roomId: string) {
    super(`this instance already joined room ${roomId}`);
    this.name = 'RoomAlreadyJoinedError';
  }
}

export class RoomBusClosedError extends Error {
  constructor(what: string) {
    super(`${what} is closed`);
    this.name = 'RoomBusClosedError';
  }
}
