import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

/**
 * This tab's own edits the server has not yet said are in durable storage. Each local transaction
 * is remembered by our client id's clock after it; the server's stored state vector (Pairwise's
 * MESSAGE_STORED_STATE) names the clock up to which our structs are stored, and every edit at or
 * below it is saved. Only our own client id matters: other people's edits are stored by the
 * server instance they are connected to.
 *
 * A transaction that only deletes adds no struct, so it moves no clock: it counts as saved as soon
 * as everything inserted before it is.
 */
export class UnsavedEdits {
  /** Our clock after each local transaction not yet covered, in order. */
  private readonly clocks: number[] = [];
  /** The highest clock of ours any stored vector named: storage does not forget. */
  private storedClock = 0;

  /** How many local transactions wait to be stored. */
  get count(): number {
    return this.clocks.length;
  }

  /** A local transaction ended with our clock at `clock`. */
  edited(clock: number): void {
    if (clock > this.storedClock) this.clocks.push(clock);
  }

  /** The server has our structs up to `clock` in storage. */
  stored(clock: number): void {
    if (clock <= this.storedClock) return;
    this.storedClock = clock;
    let covered = 0;
    while (covered < this.clocks.length && (this.clocks[covered] ?? 0) <= clock) covered++;
    this.clocks.splice(0, covered);
  }
}

/**
 * Our client's clock in a MESSAGE_STORED_STATE payload (after the type): a varUint8Array holding
 * an encoded state vector. Null if the payload is malformed.
 */
export function storedClockOf(decoder: decoding.Decoder, clientId: number): number | null {
  try {
    return Y.decodeStateVector(decoding.readVarUint8Array(decoder)).get(clientId) ?? 0;
  } catch {
    return null;
  }
}
