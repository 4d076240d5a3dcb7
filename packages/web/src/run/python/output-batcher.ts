/**
 * Collects what a program writes to one stream and hands it on in batches: a program printing in
 * a tight loop would otherwise post a message per line. Python holds the worker's thread while it
 * runs (no timer can fire), so a batch goes out when it is big enough or old enough, checked on
 * each write, and on `flush()` (before a read from stdin and at the end of a run).
 */
export class OutputBatcher {
  readonly #decoder = new TextDecoder('utf-8');
  readonly #send: (text: string) => void;
  readonly #maxChars: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #pending = '';
  #pendingSince = 0;
  #lastLine = '';

  constructor(send: (text: string) => void, options: { maxChars?: number; maxAgeMs?: number; now?: () => number } = {}) {
    this.#send = send;
    this.#maxChars = options.maxChars ?? 8192;
    this.#maxAgeMs = options.maxAgeMs ?? 50;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Takes bytes as Pyodide's stream writer gets them (UTF-8, possibly split inside a character). */
  write(bytes: Uint8Array): number {
    const text = this.#decoder.decode(bytes, { stream: true });
    if (text !== '') {
      if (this.#pending === '') this.#pendingSince = this.#now();
      this.#pending += text;
      const newline = text.lastIndexOf('\n');
      this.#lastLine = newline === -1 ? (this.#lastLine + text).slice(-200) : text.slice(newline + 1).slice(-200);
    }
    if (this.#pending.length >= this.#maxChars || this.#now() - this.#pendingSince >= this.#maxAgeMs) this.flush();
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
