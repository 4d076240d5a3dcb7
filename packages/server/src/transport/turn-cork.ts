import type { Writable } from 'node:stream';

/**
 * Holds the writes to each socket until the end of the event-loop iteration, so every frame one
 * iteration sends a socket leaves in a single `writev` rather than one syscall per frame. A typing
 * client's keystroke arrives as an update and a cursor move; its partner then gets both in one
 * write. Profiles of pair rooms showed `writev` as the largest single cost of the server.
 *
 * `setImmediate` runs after the poll phase, i.e. after every I/O callback of this iteration, so
 * frames caused by several incoming sockets' data are batched too; no frame waits for a timer.
 * `ws` corks around each frame itself; corking nests, so the outer hold is what releases them.
 */
export class TurnCork {
  private readonly held = new Set<Writable>();
  private releaseScheduled = false;

  /** Call before writing to `stream`; its writes leave together at the end of this iteration. */
  hold(stream: Writable): void {
    if (this.held.has(stream)) return;
    stream.cork();
    this.held.add(stream);
    if (!this.releaseScheduled) {
      this.releaseScheduled = true;
      setImmediate(this.release);
    }
  }

  /** Writes out everything held now (e.g. before closing). */
  readonly release = (): void => {
    this.releaseScheduled = false;
    // A stream destroyed meanwhile ignores uncork; one that ended was uncorked by `end()`.
    for (const stream of this.held) stream.uncork();
    this.held.clear();
  };
}
