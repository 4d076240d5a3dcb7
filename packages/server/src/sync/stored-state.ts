import * as Y from 'yjs';
import { MESSAGE_STORED_STATE } from '@pairwise/protocol';
import type { CommitObserver } from '../persistence/group-commit.js';
import { prefixedFrame } from './frame-bytes.js';
import type { Room, SyncSocket } from './room.js';

interface TrackedRoom {
  readonly room: Room;
  /** MESSAGE_STORED_STATE for what storage holds: sent to each connection on its hello. */
  storedFrame: Uint8Array;
  /** The document's state vector when its queue was taken for the write in flight, or a failed one. */
  writing: Uint8Array | null;
}

/** The MESSAGE_STORED_STATE frame for an encoded state vector. */
export function storedStateFrame(encodedStateVector: Uint8Array): Uint8Array {
  return prefixedFrame([MESSAGE_STORED_STATE], encodedStateVector);
}

/**
 * What each loaded room has in durable storage, as a Yjs state vector, told to the connections
 * that sent the Pairwise hello (the web app's "Saved" badge).
 *
 * Every update applied to a room's document is queued for the group commit in the same tick, so
 * the document's vector at the moment a write takes the room's queue covers exactly that write
 * and everything stored before it (plus edits heard from other instances, which they store).
 * Once the write succeeds that vector is the stored one. One encodeStateVector per room per write,
 * nothing per update.
 */
export class StoredStates implements CommitObserver {
  private readonly rooms = new Map<string, TrackedRoom>();

  /** A room was loaded: everything in its document so far came from storage. */
  loaded(room: Room): void {
    this.rooms.set(room.id, { room, storedFrame: storedStateFrame(Y.encodeStateVector(room.doc)), writing: null });
  }

  /** A room left memory; a write of it still in flight then tells nobody. */
  unloaded(room: Room): void {
    if (this.rooms.get(room.id)?.room === room) this.rooms.delete(room.id);
  }

  /** The socket sent the hello: it learns at once what is stored. */
  subscribed(room: Room, socket: SyncSocket): void {
    const tracked = this.rooms.get(room.id);
    if (tracked?.room === room) socket.send(tracked.storedFrame);
  }

  writing(roomIds: readonly string[]): void {
    for (const roomId of roomIds) {
      const tracked = this.rooms.get(roomId);
      // A retry after a failed write overwrites the vector: it takes the failed content again, and more.
      if (tracked) tracked.writing = Y.encodeStateVector(tracked.room.doc);
    }
  }

  stored(roomIds: readonly string[]): void {
    for (const roomId of roomIds) {
      const tracked = this.rooms.get(roomId);
      if (!tracked?.writing) continue;
      tracked.storedFrame = storedStateFrame(tracked.writing);
      tracked.writing = null;
      tracked.room.sendToSubscribers(tracked.storedFrame);
    }
  }
}
