import * as decoding from 'lib0/decoding';

/**
 * This tab's own edits the server has not yet said are in durable storage.
 *
 * Every edit leaves in a sync frame (y-websocket sends an update frame per local transaction while
 * connected, and everything made offline in the sync step 2 of the next connection). The server
 * counts the sync step 2 and update frames it took from this socket and, with each stored write
 * (Pairwise's MESSAGE_STORED_STATE), says how many of them are stored. Our edits are saved once the
 * last frame that carried any of them is. Frames, not clocks: an edit that only deletes adds no
 * struct and moves no clock, but it does leave in a frame.
 */
export class UnsavedEdits {
  /** Local transactions since everything of ours was last known to be stored. */
  private waiting = 0;
  /** Edit frames sent on the current socket, and the last of them that carried edits still waiting. */
  private sentFrames = 0;
  private lastOwnFrame = 0;

  /** How many local transactions wait to be stored. */
  get count(): number {
    return this.waiting;
  }

  /** A local transaction; call before the provider sends it, so its frame counts as ours. */
  edited(): void {
    this.waiting++;
  }

  /** A new socket: its frames are counted from zero; edits waiting go out in its sync step 2. */
  connected(): void {
    this.sentFrames = 0;
    this.lastOwnFrame = 0;
  }

  /** A sync step 2 or update frame went out on the socket. */
  frameSent(): void {
    this.sentFrames++;
    if (this.waiting > 0) this.lastOwnFrame = this.sentFrames;
  }

  /** The server has stored the first `frames` edit frames of this socket. */
  stored(frames: number): void {
    if (this.waiting > 0 && this.lastOwnFrame > 0 && frames >= this.lastOwnFrame) this.waiting = 0;
  }
}

/** Whether an outgoing frame is a sync step 2 or update (what the server counts as edit frames). */
export function isEditFrame(frame: ArrayBufferLike | ArrayBufferView | Blob | string): boolean {
  if (!ArrayBuffer.isView(frame)) return false;
  const bytes = new Uint8Array(frame.buffer, frame.byteOffset, Math.min(frame.byteLength, 2));
  // varUints below 128 are one byte: message type 0 (sync), step 1 (sync step 2) or 2 (update).
  return bytes[0] === 0 && (bytes[1] === 1 || bytes[1] === 2);
}

/** The stored edit-frame count in a MESSAGE_STORED_STATE payload (after the state vector); null if malformed. */
export function storedFramesOf(decoder: decoding.Decoder): number | null {
  try {
    decoding.readVarUint8Array(decoder);
    return decoding.readVarUint(decoder);
  } catch {
    return null;
  }
}
