import * as Y from 'yjs';
import { carriesNewStructs } from './state-vectors.js';

export interface SizeLimits {
  /** Characters the code text may hold. */
  maxTextLength: number;
  /** Bytes the room's stored document (snapshot plus update log) may take. */
  maxBytes: number;
}

/**
 * Keeps a room within its size limits without ever encoding the document on the event loop (a
 * fragmented 13 MB document takes over a second to encode). Bytes are counted as stored: what was
 * loaded plus every update stored since. Deleted text still counts until compaction (in a worker
 * thread) folds the log into a snapshot; the snapshot's size then replaces what it covers.
 */
export class RoomSize {
  private storedBytes: number;
  /** `storedBytes` when a compaction of this room began reading the stored document. */
  private atCompactionStart: number | null = null;

  constructor(
    private readonly limits: SizeLimits,
    loadedUpdates: readonly Uint8Array[],
  ) {
    this.storedBytes = loadedUpdates.reduce((sum, update) => sum + update.byteLength, 0);
  }

  get bytes(): number {
    return this.storedBytes;
  }

  /**
   * Why applying `update` would push the room past a limit, or null when it fits. An update that
   * only deletes always fits: deleting is how a full room gets smaller.
   */
  refusal(update: Uint8Array, doc: Y.Doc, text: Y.Text): string | null {
    const overBytes = this.storedBytes + update.byteLength > this.limits.maxBytes;
    // An update takes at least one byte per character it can add, so most need no closer look.
    const mayOverflowText = text.length + update.byteLength > this.limits.maxTextLength;
    if ((!overBytes && !mayOverflowText) || !carriesNewStructs(update, doc)) return null;
    if (overBytes) return `room would exceed ${this.limits.maxBytes} bytes`;
    if (text.length + addedLength(update, doc) > this.limits.maxTextLength) {
      return `room text would exceed ${this.limits.maxTextLength} characters`;
    }
    return null;
  }

  /** Counts an update the room stored. */
  noteStored(update: Uint8Array): void {
    this.storedBytes += update.byteLength;
  }

  compactionStarted(): void {
    this.atCompactionStart = this.storedBytes;
  }

  /**
   * The compaction that started last wrote a snapshot of `snapshotBytes`, covering what was stored
   * when it began (all but the updates still queued for storage then: at most a flush window's worth).
   */
  compacted(snapshotBytes: number): void {
    if (this.atCompactionStart === null) return;
    this.storedBytes = snapshotBytes + (this.storedBytes - this.atCompactionStart);
    this.atCompactionStart = null;
  }
}

/**
 * Characters (countable units) the update's structs would add that `doc` does not hold yet, counted
 * in every shared type: an upper bound of what the code text can grow by (deletions not subtracted).
 */
function addedLength(update: Uint8Array, doc: Y.Doc): number {
  let added = 0;
  for (const struct of Y.decodeUpdate(update).structs) {
    if (!(struct instanceof Y.Item) || !struct.countable || struct.deleted) continue;
    const known = Y.getState(doc.store, struct.id.client);
    added += Math.max(0, struct.id.clock + struct.length - Math.max(known, struct.id.clock));
  }
  return added;
}
