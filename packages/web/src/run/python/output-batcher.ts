/**
 * Collects what a program writes to one stream and hands it on. Python holds the worker's thread
 * while it runs (no timer can fire there), so the decision is made on each write: a write goes out
 * at once unless `maxSends` went out in the last `windowMs` (a program printing in a tight loop);
 * then writes collect until a write after the window, `maxChars` of them, `flush()` (before a read
 * from stdin and at the end of a run).
 */
export class OutputBatcher {
  readonly #decoder = new TextDecoder('utf-8');
  readonly #send: (text: string) => void;
  readonly #maxSends: number;
  readonly #windowMs: number;
  readonly #maxChars: number;
  readonly #now: () => number;
  #pending = '';
  #windowStart = Number.NEGATIVE_INFINITY;
  #sendsInWindow = 0;
  #lastLine = '';

  constructor(send: (text: string) => void, options: { maxSends?: number; windowMs?: number; maxChars?: number; now?: () => number } = {}) {
    this.#send = send;
    this.#maxSends = options.maxSends ?? 10;
    this.#windowMs = options.windowMs ?? 50;
    this.#maxChars = options.maxChars ?? 8192;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Takes bytes as Pyodide's stream writer gets them (UTF-8, possibly split inside a character). */
  write(bytes: Uint8Array): number {
    const text = this.#decoder.decode(bytes, { stream: true });
    if (text === '') return bytes.length;
    this.#pending += text;
    const newline = text.lastIndexOf('\n');
    this.#lastLine = (newline === -1 ? this.#lastLine + text : text.slice(newline + 1)).slice(-200);
    const now = this.#now();
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#sendsInWindow = 0;
    }
    if (this.#sendsInWindow < this.#maxSends || this.#pending.length >= this.#maxChars) {
      this.#sendsInWindow++;
      this.flush();
    }
    return bytes.length;
  }

  /** Sends what is pending. */
  flush(): void {
    if (this.#pending === '') return;
    const text = this.#pending;
    this.#pending = '';
    this.#send(text);
  }

  /** The unfinished last line written (at most 200 characters): what `input(prompt)` showed. */
  get lastLine(): string {
    return this.#lastLine;
  }

  /** The line was ended outside the stream: the person's Enter after answering `input()`. */
  endLine(): void {
    this.#lastLine = '';
  }

  /** Forgets the last line and any half-written character, for the next run. */
  reset(): void {
    this.flush();
    this.#decoder.decode();
    this.#lastLine = '';
  }
}
