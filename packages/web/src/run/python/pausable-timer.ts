/** A one-shot timeout that can be paused: a run's time limit, which does not count waiting for input. */
export class PausableTimer {
  readonly #onExpire: () => void;
  readonly #now: () => number;
  #remainingMs: number;
  #startedAt = 0;
  #handle: ReturnType<typeof setTimeout> | null = null;
  #done = false;

  constructor(limitMs: number, onExpire: () => void, now: () => number = () => performance.now()) {
    this.#onExpire = onExpire;
    this.#now = now;
    this.#remainingMs = limitMs;
    this.resume();
  }

  pause(): void {
    if (this.#handle === null) return;
    clearTimeout(this.#handle);
    this.#handle = null;
    this.#remainingMs -= this.#now() - this.#startedAt;
  }

  resume(): void {
    if (this.#done || this.#handle !== null) return;
    this.#startedAt = this.#now();
    this.#handle = setTimeout(
      () => {
        this.#done = true;
        this.#handle = null;
        this.#onExpire();
      },
      Math.max(0, this.#remainingMs),
    );
  }

  cancel(): void {
    this.#done = true;
    if (this.#handle !== null) clearTimeout(this.#handle);
    this.#handle = null;
  }
}
