import * as Y from 'yjs';
import { countableRanges, totalLength, type CountableRanges } from './countable-ranges.js';

/**
 * Parts of client updates that depend on changes the room does not have yet, kept per socket.
 *
 * Why: a client reconnecting with offline edits while its user keeps typing can send an update
 * before the sync step 2 carrying what that update depends on. Yjs would park such parts in
 * `doc.store.pendingStructs` / `pendingDs`, where `encodeStateAsUpdate` serves them to everyone
 * though they are never stored, and re-merges them on every later update. Here they wait beside
 * the document, bounded in time and bytes per socket, and are retried only when the room's state
 * reached a clock they miss.
 */

export interface UnresolvedLimits {
  /** How long a socket's oldest waiting part may stay unresolvable before the socket is closed. */
  maxWaitMs: number;
  /** How many bytes of waiting parts one socket may hold. */
  maxBytes: number;
}

type Store = Y.Doc['store'];

export const DEFAULT_UNRESOLVED_LIMITS: UnresolvedLimits = { maxWaitMs: 10_000, maxBytes: 1024 * 1024 };

/** One update's unresolved rest, as Yjs encodes it (v2). */
export interface WaitingPart {
  readonly structs: Uint8Array | null;
  readonly deletes: Uint8Array | null;
  /** client -> clock: the part may resolve once the room's state for that client passes the clock. */
  readonly blockedAt: ReadonlyMap<number, number>;
  readonly bytes: number;
  /** The countable content of its structs, and its length: room it will take once applied. */
  readonly countable: CountableRanges;
  readonly countableLength: number;
  /** When the update first arrived; a retried rest keeps its original time. */
  readonly arrivedAt: number;
}

/** What every socket's waiting parts will add once applied; a room's size limits count it as taken. */
export interface WaitingContent {
  readonly bytes: number;
  /** Countable length, summed over the parts (an upper bound: parts may overlap). */
  readonly length: number;
  readonly ranges: readonly CountableRanges[];
}

export const NOTHING_WAITING: WaitingContent = { bytes: 0, length: 0, ranges: [] };

interface SocketQueue {
  parts: WaitingPart[];
  bytes: number;
  timer: NodeJS.Timeout | null;
}

export class UnresolvedUpdates<Socket> {
  /**
   * Null while nothing waits, which is nearly always: an empty Map per room is 184 bytes (issue 9:
   * room memory). Made by the first waiting part, dropped with the last.
   */
  private queues: Map<Socket, SocketQueue> | null = null;
  private readonly maxWaitMs: number;
  private readonly maxBytes: number;

  constructor(
    limits: UnresolvedLimits,
    /** A socket's oldest part stayed unresolvable for `maxWaitMs`. */
    private readonly onExpired: (socket: Socket) => void,
  ) {
    this.maxWaitMs = limits.maxWaitMs;
    this.maxBytes = limits.maxBytes;
  }

  /** Moves what Yjs parked in the document's store to `socket`'s queue, leaving the store clean; false when it parked nothing. */
  park(socket: Socket, store: Store, arrivedAt = Date.now()): boolean {
    const structs = store.pendingStructs;
    const deletes = store.pendingDs;
    if (structs === null && deletes === null) return false;
    store.pendingStructs = null;
    store.pendingDs = null;
    const countable = structs ? countableRanges(Y.decodeUpdateV2(structs.update).structs) : new Map<number, never>();
    const part: WaitingPart = {
      structs: structs?.update ?? null,
      deletes,
      blockedAt: blockedAt(store, structs?.missing, deletes),
      bytes: (structs?.update.byteLength ?? 0) + (deletes?.byteLength ?? 0),
      countable,
      countableLength: totalLength(countable),
      arrivedAt,
    };
    const queue = this.queueOf(socket);
    queue.parts.push(part);
    queue.bytes += part.bytes;
    this.schedule(socket, queue);
    return true;
  }

  /** Removes and returns the parts of `socket` that may resolve now that the state moved. */
  takeReady(socket: Socket, store: Store): WaitingPart[] {
    const queue = this.queues?.get(socket);
    if (!queue) return [];
    const ready: WaitingPart[] = [];
    const still: WaitingPart[] = [];
    for (const part of queue.parts) (isReady(part, store) ? ready : still).push(part);
    if (ready.length === 0) return [];
    queue.parts = still;
    queue.bytes -= ready.reduce((sum, part) => sum + part.bytes, 0);
    this.schedule(socket, queue);
    return ready;
  }

  /** Sockets holding a part that may resolve now. */
  socketsWithReadyParts(store: Store): Socket[] {
    if (this.queues === null) return [];
    return [...this.queues].filter(([, queue]) => queue.parts.some((part) => isReady(part, store))).map(([socket]) => socket);
  }

  /** What all sockets' waiting parts will add once applied. */
  waiting(): WaitingContent {
    if (this.queues === null) return NOTHING_WAITING;
    let bytes = 0;
    let length = 0;
    const ranges: CountableRanges[] = [];
    for (const queue of this.queues.values()) {
      for (const part of queue.parts) {
        bytes += part.bytes;
        length += part.countableLength;
        ranges.push(part.countable);
      }
    }
    return { bytes, length, ranges };
  }

  overBudget(socket: Socket): boolean {
    return (this.queues?.get(socket)?.bytes ?? 0) > this.maxBytes;
  }

  /** Drops a socket's parts and its timer (the client still holds them and resends them on resync). */
  forget(socket: Socket): void {
    const queue = this.queues?.get(socket);
    if (queue?.timer) clearTimeout(queue.timer);
    this.drop(socket);
  }

  private queueOf(socket: Socket): SocketQueue {
    this.queues ??= new Map();
    let queue = this.queues.get(socket);
    if (!queue) {
      queue = { parts: [], bytes: 0, timer: null };
      this.queues.set(socket, queue);
    }
    return queue;
  }

  private drop(socket: Socket): void {
    this.queues?.delete(socket);
    if (this.queues?.size === 0) this.queues = null;
  }

  /** One timer per socket, for its oldest part; none once nothing waits. */
  private schedule(socket: Socket, queue: SocketQueue): void {
    if (queue.timer) clearTimeout(queue.timer);
    queue.timer = null;
    if (queue.parts.length === 0) {
      this.drop(socket);
      return;
    }
    const oldest = queue.parts.reduce((min, part) => Math.min(min, part.arrivedAt), Infinity);
    const delay = Math.max(0, oldest + this.maxWaitMs - Date.now());
    queue.timer = setTimeout(() => {
      this.forget(socket);
      this.onExpired(socket);
    }, delay);
  }
}

/**
 * Where the part is stuck: Yjs' own `missing` map for structs (retry once the state passes the
 * clock, as Yjs does), and the current state of every client a pending delete names.
 */
function blockedAt(store: Store, missing: Map<number, number> | undefined, deletes: Uint8Array | null): Map<number, number> {
  const blocked = new Map(missing);
  if (deletes) {
    for (const client of Y.decodeUpdateV2(deletes).ds.clients.keys()) {
      const clock = Y.getState(store, client);
      blocked.set(client, Math.min(blocked.get(client) ?? clock, clock));
    }
  }
  return blocked;
}

function isReady(part: WaitingPart, store: Store): boolean {
  for (const [client, clock] of part.blockedAt) {
    if (Y.getState(store, client) > clock) return true;
  }
  return false;
}
