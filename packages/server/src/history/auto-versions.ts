import type { Logger } from 'pino';

export interface AutoVersionTiming {
  /** A version is taken once nobody has stored an edit in the room for this long. */
  pauseMs: number;
  /** During long stretches of typing, a version at least this often. */
  everyMs: number;
}

export const DEFAULT_AUTO_VERSION_TIMING: AutoVersionTiming = { pauseMs: 30_000, everyMs: 10 * 60_000 };

export interface AutoVersionsOptions {
  timing: AutoVersionTiming;
  /** Takes an automatic version of the room as stored; resolves when done (or skipped: nothing new). */
  take(roomId: string, name: string): Promise<unknown>;
  log: Logger;
  now?: () => number;
}

interface Activity {
  /** When the first edit since the room's last automatic version was stored. */
  since: number;
  pauseTimer: NodeJS.Timeout;
}

/**
 * Automatic versions, from the group commit's rhythm: after a pause in typing, and every `everyMs`
 * of continued activity. Each instance watches the edits it stores; two instances taking a version
 * of one room at once add one (RoomHistory skips a version with nothing new).
 */
export class AutoVersions {
  private readonly active = new Map<string, Activity>();
  private readonly taking = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: AutoVersionsOptions) {}

  /** Edits of the room were stored just now. */
  noteStored(roomId: string): void {
    if (this.closed) return;
    const now = this.now();
    const current = this.active.get(roomId);
    // Every typing room comes here with each group commit (ten times a second): the pause timer
    // is re-armed, not replaced.
    if (current) current.pauseTimer.refresh();
    else {
      const pauseTimer = setTimeout(() => this.take(roomId, 'After a pause'), this.options.timing.pauseMs);
      this.active.set(roomId, { since: now, pauseTimer });
    }
    const since = current?.since ?? now;
    if (now - since >= this.options.timing.everyMs)
      this.take(roomId, `After ${Math.round(this.options.timing.everyMs / 60_000)} minutes of work`);
  }

  /** Forget a deleted room. */
  forget(roomId: string): void {
    const current = this.active.get(roomId);
    if (current) clearTimeout(current.pauseTimer);
    this.active.delete(roomId);
  }

  /** Stops taking versions and waits for those being taken. Pending pauses are dropped: the log holds every edit anyway. */
  async close(): Promise<void> {
    this.closed = true;
    for (const roomId of [...this.active.keys()]) this.forget(roomId);
    await Promise.allSettled([...this.taking]);
  }

  private take(roomId: string, name: string): void {
    this.forget(roomId);
    if (this.closed) return;
    const taking = this.options
      .take(roomId, name)
      .catch((err: unknown) => this.options.log.warn({ err, roomId }, 'taking an automatic version failed; the next pause tries again'))
      .finally(() => this.taking.delete(taking));
    this.taking.add(taking);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
