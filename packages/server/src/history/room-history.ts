import { randomUUID } from 'node:crypto';
import type {
  HistoryAuthor,
  TimelinePage,
  TimelineQuery,
  TimelineText,
  VersionDetails,
  VersionList,
  VersionSummary,
} from '@pairwise/protocol';
import { type Principal, principalKey } from '../access/session.js';
import { GUEST_DEFAULT_NAME } from '../access/guest-presence.js';
import { colorFor } from '../access/presence-colors.js';
import type { DocumentReading } from '../storage/compaction.js';
import type { VersionSummaryRecord } from '../storage/history.js';
import type { Store } from '../storage/store.js';
import { connectedAuthor, OnBehalfOf, SERVER_AUTHOR } from '../sync/history-authors.js';
import type { Room } from '../sync/room.js';
import { replaceTextMinimally } from './replace-text.js';
import { toTimelinePoint } from './timeline-points.js';

/** Log entries read per query while replaying up to a moment (checkpoints keep it to a few hundred). */
const REPLAY_PAGE = 2000;

export interface RoomHistoryDeps {
  store: Store;
  /** Stores what the room has queued, so a version or a moment includes edits accepted a moment ago. */
  flushRoom(roomId: string): Promise<void>;
  /** Rebuilds a document from updates off the event loop (OffThreadSnapshotEncoder.read). */
  read(updates: readonly Uint8Array[]): Promise<DocumentReading>;
  /** The room if it is loaded on this instance (never loads): where a guest's current name is found. */
  loaded(roomId: string): Room | undefined;
  /** Runs `change` on the live room; null when the room does not exist. */
  withRoom<T>(roomId: string, change: (room: Room) => T): Promise<T | null>;
  now?: () => number;
}

export interface NewVersion {
  name: string;
  auto: boolean;
}

/**
 * A room's history as the API shows it: the keystroke timeline, the code at any moment, versions,
 * and restoring one. Read from storage (every instance sees the same history); the one write to
 * the live document is a restore, made as an ordinary edit on top so nothing is rewritten.
 */
export class RoomHistory {
  constructor(private readonly deps: RoomHistoryDeps) {}

  async timeline(roomId: string, query: TimelineQuery): Promise<TimelinePage> {
    const { store } = this.deps;
    const entries = await store.readHistory(roomId, query.after, query.limit);
    const points = await Promise.all(
      entries.map(async (entry) => {
        const point = toTimelinePoint(entry);
        if (query.updates === '0') return point;
        // A moment retention kept only as a checkpoint: its full state applies over earlier ones.
        const update = entry.update ?? (await store.checkpointAtOrBefore(roomId, entry.seq))?.state;
        return update ? { ...point, update: Buffer.from(update).toString('base64') } : point;
      }),
    );
    const ids = [...new Set(entries.map((entry) => entry.authorId).filter((id): id is string => id !== null))];
    const bounds = await store.historyBounds(roomId);
    return {
      points,
      authors: await this.named(roomId, ids),
      firstSeq: bounds?.firstSeq ?? 0,
      lastSeq: bounds?.lastSeq ?? 0,
      nextAfter: entries.length === query.limit ? (entries.at(-1)?.seq ?? null) : null,
    };
  }

  /** The code right after the point `seq`; null when the history holds no such point. */
  async textAt(roomId: string, seq: number, withState: boolean): Promise<TimelineText | null> {
    const { store } = this.deps;
    const base = await store.checkpointAtOrBefore(roomId, seq);
    const updates = base ? [base.state] : [];
    let at = base?.seq === seq ? base.at : null;
    for (let after = base?.seq ?? 0; after < seq; ) {
      const page = await store.readHistory(roomId, after, REPLAY_PAGE);
      for (const entry of page) {
        if (entry.seq > seq || !entry.update) break;
        updates.push(entry.update);
        if (entry.seq === seq) at = entry.at;
      }
      after = page.length === REPLAY_PAGE ? (page.at(-1)?.seq ?? seq) : seq;
    }
    if (at === null) return null;
    const { code, state } = await this.deps.read(updates);
    return { seq, at: new Date(at).toISOString(), code, ...(withState ? { state: Buffer.from(state).toString('base64') } : {}) };
  }

  async listVersions(roomId: string): Promise<VersionList> {
    const records = await this.deps.store.listVersions(roomId);
    const authors = await this.named(roomId, [...new Set(records.flatMap((record) => record.authorIds))]);
    return { versions: records.map((record) => toSummary(record, authors)) };
  }

  async getVersion(roomId: string, id: string): Promise<VersionDetails | null> {
    const record = await this.deps.store.getVersion(roomId, id);
    if (!record) return null;
    return { ...toSummary(record, await this.named(roomId, record.authorIds)), code: record.code };
  }

  /**
   * A version of what is stored now (queued edits stored first), naming who changed the code since
   * the previous version. Null when the room does not exist. An automatic version is skipped (null)
   * when nothing changed since the newest version, so instances racing to take one add one.
   */
  async createVersion(roomId: string, { name, auto }: NewVersion): Promise<VersionSummary | null> {
    const { store } = this.deps;
    await this.deps.flushRoom(roomId);
    const stored = await store.loadDocument(roomId);
    if (!stored) return null;
    const [previous] = await store.listVersions(roomId);
    if (auto && previous && previous.seq >= stored.lastSeq) return null;
    const { code, state } = await this.deps.read(stored.updates);
    // People: the server's own changes (starter code, settings) name nobody.
    const authorIds = (await store.authorsBetween(roomId, previous?.seq ?? 0, stored.lastSeq)).filter((id) => id !== SERVER_AUTHOR.id);
    const createdAt = this.deps.now?.() ?? Date.now();
    const record = { id: randomUUID(), roomId, name, auto, createdAt, seq: stored.lastSeq, authorIds, code, state };
    await store.addVersion(record);
    return toSummary(record, await this.named(roomId, authorIds));
  }

  /**
   * Makes the code what the version holds, as one edit on top by `author`: everyone sees it arrive
   * and the history keeps going. Edits others make meanwhile outside what changes are kept. Null
   * when the room or the version does not exist.
   */
  async restore(roomId: string, versionId: string, author: HistoryAuthor): Promise<VersionDetails | null> {
    const version = await this.getVersion(roomId, versionId);
    if (!version) return null;
    const done = await this.deps.withRoom(roomId, (room) =>
      room.editTextFor(new OnBehalfOf(author), (text) => replaceTextMinimally(text, version.code)),
    );
    return done === null ? null : version;
  }

  /**
   * Who a request's caller is in this room's history and runs: a user by username; a guest by the
   * name of their open connection to the room here (guests name themselves when they connect; the
   * store learns it only with their first stored edit), else the name the room last stored for them
   * (connected to another instance, or gone), else "Guest".
   */
  async authorOf(roomId: string, principal: Principal): Promise<HistoryAuthor> {
    const id = principalKey(principal);
    if (principal.kind === 'user') return { id, name: principal.username, color: colorFor(id) };
    const connected = connectedAuthor(this.deps.loaded(roomId), principal);
    if (connected) return connected;
    const [known] = await this.deps.store.roomAuthors(roomId, [id]);
    return known ?? { id, name: GUEST_DEFAULT_NAME, color: colorFor(id) };
  }

  /** The named authors among `ids`; the server is named even before it stored a change with its name. */
  private async named(roomId: string, ids: readonly string[]): Promise<HistoryAuthor[]> {
    const named = ids.length === 0 ? [] : await this.deps.store.roomAuthors(roomId, ids);
    return ids.includes(SERVER_AUTHOR.id) && !named.some((a) => a.id === SERVER_AUTHOR.id) ? [...named, SERVER_AUTHOR] : named;
  }
}

function toSummary(record: VersionSummaryRecord, authors: readonly HistoryAuthor[]): VersionSummary {
  return {
    id: record.id,
    name: record.name,
    createdAt: new Date(record.createdAt).toISOString(),
    authors: record.authorIds.map((id) => authors.find((author) => author.id === id) ?? { id, name: 'Unknown', color: '#6b7280' }),
    auto: record.auto,
    seq: record.seq,
  };
}
