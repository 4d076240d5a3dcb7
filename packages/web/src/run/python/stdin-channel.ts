/**
 * One answer to a blocking read, passed from the main thread to a worker through shared memory:
 * the worker waits with `Atomics.wait` (a worker may block; the page may not), the main thread
 * writes the bytes and wakes it. An answer longer than the buffer is handed over in pieces, one per
 * read: Python keeps reading until it sees the newline.
 */

const STATE = 0;
const LENGTH = 1;
const WAITING = 0;
const DATA = 1;
const END_OF_INPUT = 2;
const CONTROL_BYTES = 2 * Int32Array.BYTES_PER_ELEMENT;

/** 64 KiB per piece: a typed line fits many times over. */
export const STDIN_CAPACITY = 64 * 1024;

export function createStdinBuffer(capacity = STDIN_CAPACITY): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES + capacity);
}

function views(buffer: SharedArrayBuffer): { control: Int32Array; data: Uint8Array } {
  return { control: new Int32Array(buffer, 0, 2), data: new Uint8Array(buffer, CONTROL_BYTES) };
}

/** The worker's side. */
export class StdinReader {
  readonly #control: Int32Array;
  readonly #data: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    ({ control: this.#control, data: this.#data } = views(buffer));
  }

  /**
   * Marks the channel as waiting, calls `request` (which asks the main thread), then blocks until
   * the answer: the bytes, or null at end of input or when `interrupted()` turns true (checked
   * between waits of `pollMs`, so a stop during a read is seen even if nobody wakes the worker).
   */
  read(request: () => void, interrupted: () => boolean, pollMs = 100): Uint8Array | null {
    Atomics.store(this.#control, STATE, WAITING);
    request();
    while (Atomics.load(this.#control, STATE) === WAITING) {
      if (interrupted()) return null;
      Atomics.wait(this.#control, STATE, WAITING, pollMs);
    }
    if (Atomics.load(this.#control, STATE) === END_OF_INPUT) return null;
    // A copy: the next answer reuses the buffer, and TextDecoder refuses shared memory.
    return this.#data.slice(0, Atomics.load(this.#control, LENGTH));
  }
}

/** The main thread's side: keeps what did not fit for the reads that follow. */
export class StdinWriter {
  readonly #control: Int32Array;
  readonly #data: Uint8Array;
  #rest: Uint8Array = new Uint8Array(0);

  constructor(buffer: SharedArrayBuffer) {
    ({ control: this.#control, data: this.#data } = views(buffer));
  }

  /** Bytes of an earlier answer still waiting to be read. */
  get hasRest(): boolean {
    return this.#rest.length > 0;
  }

  /** Answers the waiting read with `bytes` (null: end of input). */
  answer(bytes: Uint8Array | null): void {
    if (bytes === null) {
      this.#rest = new Uint8Array(0);
      this.#wake(END_OF_INPUT);
      return;
    }
    this.#rest = bytes;
    this.answerRest();
  }

  /** Answers the waiting read with the next piece of the earlier answer. */
  answerRest(): void {
    const piece = this.#rest.subarray(0, this.#data.length);
    this.#data.set(piece);
    this.#rest = this.#rest.subarray(piece.length);
    Atomics.store(this.#control, LENGTH, piece.length);
    this.#wake(DATA);
  }

  /** Drops what was not read (the run ended) and wakes a worker still waiting, e.g. to notice a stop. */
  reset(): void {
    this.#rest = new Uint8Array(0);
    Atomics.notify(this.#control, STATE);
  }

  #wake(state: number): void {
    Atomics.store(this.#control, STATE, state);
    Atomics.notify(this.#control, STATE);
  }
}
