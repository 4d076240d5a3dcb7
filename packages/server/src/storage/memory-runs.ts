import { assertListLimit } from './list-page.js';
import { copyRun, lostRun, runPageOfRows, type RunStore, type StoredRun, type StoredRunPage } from './runs.js';

interface Kept {
  roomId: string;
  run: StoredRun;
  savedAt: number;
}

/**
 * The runs of MemoryRoomStore. The room store tells it which rooms exist, in which incarnation, and calls
 * `deleteRoom` as a room goes, as the SQL stores' cascades do.
 */
export class MemoryRuns implements RunStore {
  /** Every run by id, in the order they were stored. */
  private readonly runs = new Map<string, Kept>();

  /** `incarnationOf` is null for a room that does not exist. */
  constructor(private readonly incarnationOf: (roomId: string) => string | null) {}

  async createRun(roomId: string, incarnation: string, run: StoredRun, savedAt: number): Promise<boolean> {
    if (this.incarnationOf(roomId) !== incarnation || this.runs.has(run.id)) return false;
    this.runs.set(run.id, { roomId, run: copyRun(run), savedAt });
    return true;
  }

  async saveRun(roomId: string, run: StoredRun, savedAt: number): Promise<boolean> {
    const kept = this.runs.get(run.id);
    if (!kept || kept.roomId !== roomId || kept.run.status !== 'running') return false;
    this.runs.set(run.id, { roomId, run: copyRun(run), savedAt });
    return true;
  }

  async listRuns(roomId: string, before: number | null, limit: number): Promise<StoredRunPage> {
    assertListLimit(limit);
    const older = this.ofRoom(roomId)
      .map((kept) => kept.run)
      .filter((run) => before === null || run.startedAt < before)
      .sort((a, b) => b.startedAt - a.startedAt);
    return runPageOfRows(older.slice(0, limit + 1).map(copyRun), limit);
  }

  async loseStaleRuns(roomId: string, savedBefore: number, at: number): Promise<StoredRun[]> {
    const stale = this.ofRoom(roomId).filter((kept) => kept.run.status === 'running' && kept.savedAt < savedBefore);
    for (const kept of stale) kept.run = lostRun(kept.run, at);
    return stale.map((kept) => copyRun(kept.run));
  }

  deleteRoom(roomId: string): void {
    for (const [id, kept] of this.runs) if (kept.roomId === roomId) this.runs.delete(id);
  }

  private ofRoom(roomId: string): Kept[] {
    return [...this.runs.values()].filter((kept) => kept.roomId === roomId);
  }
}
