import type { HistoryAuthor } from '@pairwise/protocol';
import type { Checkpoint, HistoryBounds, HistoryEntry, HistoryThinning, VersionRecord, VersionSummaryRecord } from './history.js';
import type { RoomWrite } from './store.js';

interface LogEntry {
  seq: number;
  at: number;
  authorId: string | null;
  data: Uint8Array;
}

/**
 * One room's stored log, checkpoints, authors and versions, for MemoryRoomStore. Copies bytes on the
 * way in and out like the SQL stores, so a test cannot pass because a caller kept a buffer it mutates.
 */
export class MemoryRoomHistory {
  private log: LogEntry[] = [];
  /** Ordered by seq. */
  private checkpoints: Checkpoint[] = [];
  private readonly authors = new Map<string, HistoryAuthor>();
  private versions: VersionRecord[] = [];

  append(seq: number, data: Uint8Array, at: number, authorId: string | null): void {
    this.log.push({ seq, at, authorId, data: data.slice() });
  }

  /** A group commit's updates, with their times and authors; `nextSeq` numbers them. */
  appendWrite(write: RoomWrite, updatedAt: number, nextSeq: () => number): void {
    write.updates.forEach((update, i) => {
      this.append(nextSeq(), update, write.acceptedAt?.[i] ?? updatedAt, write.authorIds?.[i] ?? null);
    });
    for (const author of write.authors ?? []) this.authors.set(author.id, { ...author });
  }

  /** The newest checkpoint and the log after it, as `loadDocument` answers. */
  document(): { updates: Uint8Array[]; lastSeq: number; logLength: number } {
    const newest = this.checkpoints.at(-1);
    const throughSeq = newest?.seq ?? 0;
    const after = this.log.filter((entry) => entry.seq > throughSeq);
    const updates = after.map((entry) => entry.data.slice());
    if (newest) updates.unshift(newest.state.slice());
    return { updates, lastSeq: after.at(-1)?.seq ?? throughSeq, logLength: after.length };
  }

  /** The newest checkpoint moves forward only. The log stays: it is the history. */
  storeCheckpoint(state: Uint8Array, throughSeq: number): void {
    if ((this.checkpoints.at(-1)?.seq ?? 0) >= throughSeq) return;
    const at = this.log.find((entry) => entry.seq === throughSeq)?.at ?? this.log.at(-1)?.at ?? 0;
    this.checkpoints.push({ seq: throughSeq, at, state: state.slice() });
  }

  read(after: number, limit: number): HistoryEntry[] {
    const logged = new Set(this.log.map((entry) => entry.seq));
    const points: HistoryEntry[] = [
      ...this.log.filter((entry) => entry.seq > after).map((e) => ({ seq: e.seq, at: e.at, authorId: e.authorId, update: e.data.slice() })),
      ...this.checkpoints
        .filter((checkpoint) => checkpoint.seq > after && !logged.has(checkpoint.seq))
        .map((c) => ({ seq: c.seq, at: c.at, authorId: null, update: null })),
    ];
    return points.sort((a, b) => a.seq - b.seq).slice(0, limit);
  }

  checkpointAtOrBefore(seq: number): Checkpoint | null {
    const found = this.checkpoints.filter((checkpoint) => checkpoint.seq <= seq).at(-1);
    return found ? { ...found, state: found.state.slice() } : null;
  }

  bounds(): HistoryBounds | null {
    const seqs = [...this.log.map((entry) => entry.seq), ...this.checkpoints.map((checkpoint) => checkpoint.seq)];
    return seqs.length === 0 ? null : { firstSeq: Math.min(...seqs), lastSeq: Math.max(...seqs) };
  }

  namedAuthors(ids?: readonly string[]): HistoryAuthor[] {
    const all = [...this.authors.values()].map((author) => ({ ...author })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return ids ? all.filter((author) => ids.includes(author.id)) : all;
  }

  authorsBetween(afterSeq: number, throughSeq: number): string[] {
    const ids = this.log.filter((e) => e.seq > afterSeq && e.seq <= throughSeq && e.authorId !== null).map((e) => e.authorId as string);
    return [...new Set(ids)].sort();
  }

  addVersion(version: VersionRecord): void {
    this.versions.push({ ...version, authorIds: [...version.authorIds], state: version.state.slice() });
  }

  listVersions(): VersionSummaryRecord[] {
    return [...this.versions]
      .sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq)
      .map(({ code: _code, state: _state, ...summary }) => ({ ...summary, authorIds: [...summary.authorIds] }));
  }

  getVersion(id: string): VersionRecord | null {
    const found = this.versions.find((version) => version.id === id);
    return found ? { ...found, authorIds: [...found.authorIds], state: found.state.slice() } : null;
  }

  thin({ addCheckpoints, logThrough, dropCheckpoints }: HistoryThinning): void {
    const known = new Set(this.checkpoints.map((checkpoint) => checkpoint.seq));
    const added = addCheckpoints.filter((c) => !known.has(c.seq)).map((c) => ({ ...c, state: c.state.slice() }));
    this.checkpoints = [...this.checkpoints, ...added].sort((a, b) => a.seq - b.seq);
    const newest = this.checkpoints.at(-1)?.seq ?? 0;
    const drop = new Set(dropCheckpoints.filter((seq) => seq !== newest));
    this.checkpoints = this.checkpoints.filter((checkpoint) => !drop.has(checkpoint.seq));
    const through = Math.min(logThrough, newest);
    this.log = this.log.filter((entry) => entry.seq > through);
  }

  deleteAutoVersionsBefore(before: number): number {
    const kept = this.versions.filter((version) => !version.auto || version.createdAt >= before);
    const deleted = this.versions.length - kept.length;
    this.versions = kept;
    return deleted;
  }

  hasLogBefore(before: number): boolean {
    return this.log.some((entry) => entry.at < before);
  }
}
