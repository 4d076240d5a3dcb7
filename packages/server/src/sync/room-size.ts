import * as Y from 'yjs';
import { countableRanges, unheldLength, visibleTextDeleted } from './countable-ranges.js';
import { carriesNewStructs } from './state-vectors.js';
import { NOTHING_WAITING, type WaitingContent } from './unresolved-updates.js';

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
  /** The limits as two numbers, not a reference to a limits object of the room's own (issue 9: room memory). */
  private readonly maxBytes: number;
  private readonly maxTextLength: number;

  constructor(limits: SizeLimits, loadedUpdates: readonly Uint8Array[]) {
    this.maxBytes = limits.maxBytes;
    this.maxTextLength = limits.maxTextLength;
    this.storedBytes = loadedUpdates.reduce((sum, update) => sum + update.byteLength, 0);
  }

  get bytes(): number {
    return this.storedBytes;
  }

  /**
   * Why applying `update` would push the room past a limit, or null when it fits. What updates
   * waiting for their dependencies will add counts as taken: they were accepted whole, so they must
   * fit when they come in. An update that only deletes always fits: deleting is how a full room gets
   * smaller; a replace is counted net of the text it deletes.
   */
  refusal(update: Uint8Array, doc: Y.Doc, text: Y.Text, waiting: WaitingContent = NOTHING_WAITING): string | null {
    const overBytes = this.storedBytes + waiting.bytes + update.byteLength > this.maxBytes;
    // An update takes at least one byte per character it can add, so most need no closer look.
    const mayOverflowText = text.length + waiting.length + update.byteLength > this.maxTextLength;
    if ((!overBytes && !mayOverflowText) || !carriesNewStructs(update, doc)) return null;
    if (overBytes) return `room would exceed ${this.maxBytes} bytes`;
    if (this.textWouldOverflow(update, doc, text, waiting)) return `room text would exceed ${this.maxTextLength} characters`;
    return null;
  }

  /**
   * Counts what the update and the waiting parts add that `doc` does not hold (all shared types: an
   * upper bound for the code text), less the visible code text the update deletes.
   */
  private textWouldOverflow(update: Uint8Array, doc: Y.Doc, text: Y.Text, waiting: WaitingContent): boolean {
    const free = this.maxTextLength - text.length;
    const { structs, ds } = Y.decodeUpdate(update);
    const added = unheldLength([countableRanges(structs), ...waiting.ranges], doc);
    if (added <= free) return false;
    return added - visibleTextDeleted(ds, doc, text, added - free) > free;
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
