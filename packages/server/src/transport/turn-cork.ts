import type { Writable } from 'node:stream';

/**
 * Batches the frames sent to a socket into as few writes as the latency allows. The frames a
 * socket gets during the task that first writes to it in an event-loop iteration (one I/O callback:
 * the incoming chunk that carried a keystroke's update and its cursor move) leave together when
 * that task ends; what it gets later in the iteration leaves together when the iteration ends.
 *
 * Why both: profiles under load showed `writev` as the largest single cost of the server, and on
 * loopback (and on a virtual machine) each write also wakes the receiving process: sending the
 * update at once and the cursor at the iteration's end woke every partner twice per keystroke
 * (perf: twice the bench peer's kernel time per write). Holding everything to the iteration's end
 * instead delayed each keystroke by all else the iteration did (a crowded room's p50 went from 2.0
 * to 3.1 ms); the end of the task costs only the rest of that task. Later frames wait for the
 * iteration's end (`setImmediate`, after every I/O callback of the poll phase), so under heavy load
 * the frames caused by many incoming sockets still leave in one write; no frame waits for a timer.
 * `ws` corks around each frame itself; corking nests, so the outer hold is what releases them.
 *
 * Each iteration gets new sets rather than clearing the old ones: V8 links a cleared table of a
 * long-lived Set to its successor, and scavenges keep whatever an old-generation table points to
 * alive, so a chain of one table per iteration was promoted and left for a full collection.
 */
export class TurnCork {
  /** Streams written to this iteration. */
  private written = new Set<Writable>();
  /** Streams corked now. */
  private held = new Set<Writable>();
  /** Streams the running task wrote to first this iteration: released when it ends. */
  private thisTask: Writable[] = [];
  private releaseScheduled = false;

  /** Call before writing to `stream`. */
  hold(stream: Writable): void {
    if (this.held.has(stream)) return;
    stream.cork();
    this.held.add(stream);
    this.scheduleRelease();
    if (this.written.has(stream)) return;
    this.written.add(stream);
    if (this.thisTask.length === 0) queueMicrotask(this.releaseTask);
    this.thisTask.push(stream);
  }

  /** Writes out everything held now (e.g. before closing). */
  readonly release = (): void => {
    this.releaseScheduled = false;
    // A stream destroyed meanwhile ignores uncork; one that ended was uncorked by `end()`.
    const { held } = this;
    this.held = new Set();
    this.written = new Set();
    for (const stream of held) stream.uncork();
  };

  private readonly releaseTask = (): void => {
    const streams = this.thisTask;
    this.thisTask = [];
    // Not held any more when `release` ran meanwhile.
    for (const stream of streams) if (this.held.delete(stream)) stream.uncork();
  };

  private scheduleRelease(): void {
    if (this.releaseScheduled) return;
    this.releaseScheduled = true;
    setImmediate(this.release);
  }
}
