import { randomUUID } from 'node:crypto';
import type { HistoryAuthor, RoomRole } from '@pairwise/protocol';
import { SERVER_AUTHOR_ID } from '@pairwise/protocol/document';
import {
  DEFAULT_ROOM_ACCESS,
  type LinkRecord,
  type MemberRecord,
  type RoomAccess,
  type RoomAccessChange,
  type RoomAccessInit,
  type RoomOfUser,
} from './access.js';
import type { SessionRecord, UserRecord } from './accounts.js';
import type { NewChatMessage, StoredChatMessage, StoredChatPage } from './chat.js';
import type { Checkpoint, HistoryBounds, HistoryEntry, HistoryThinning, VersionRecord, VersionSummaryRecord } from './history.js';
import { MemoryAccounts } from './memory-accounts.js';
import { MemoryChat } from './memory-chat.js';
import { MemoryRuns } from './memory-runs.js';
import type { StoredRun, StoredRunPage } from './runs.js';
import { MemoryRoomHistory } from './memory-history.js';
import {
  RoomExistsError,
  type ListPage,
  type RoomCursor,
  type RoomMetaChange,
  type RoomRecord,
  type RoomWrite,
  type Store,
  type StoredDocument,
  type UnopenedRoom,
} from './store.js';

interface MemoryRoom {
  record: RoomRecord;
  lastOpenedAt: number;
  incarnation: string;
  access: RoomAccess;
  members: Map<string, { role: RoomRole; addedAt: number }>;
  links: LinkRecord[];
  history: MemoryRoomHistory;
}

/**
 * In-memory RoomStore for tests. It follows the same contract as the SQL stores, including
 * copying bytes on the way in and out, so a test cannot pass by accident because a caller
 * kept mutating a buffer the store still references.
 */
export class MemoryRoomStore implements Store {
  private readonly rooms = new Map<string, MemoryRoom>();
  private readonly retired = new Map<string, Uint8Array[]>();
  private readonly accounts = new MemoryAccounts();
  private readonly chat = new MemoryChat((roomId) => this.rooms.has(roomId));
  private readonly runs = new MemoryRuns((roomId) => this.rooms.get(roomId)?.incarnation ?? null);
  // Global like the SQL sequences, so seq values are comparable across implementations.
  private lastSeq = 0;
  private closed = false;

  async createRoom(room: RoomRecord, initialUpdate: Uint8Array, access?: RoomAccessInit): Promise<void> {
    this.assertOpen();
    if (this.rooms.has(room.id)) throw new RoomExistsError(room.id);
    const history = new MemoryRoomHistory();
    // The starter code is the server's.
    history.append(this.nextSeq(), initialUpdate, room.createdAt, SERVER_AUTHOR_ID);
    this.rooms.set(room.id, {
      record: { ...room },
      lastOpenedAt: room.createdAt,
      incarnation: randomUUID(),
      access: { ...DEFAULT_ROOM_ACCESS, ...access },
      members: new Map(),
      links: [],
      history,
    });
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    this.assertOpen();
    const room = this.rooms.get(id);
    return room ? { ...room.record } : null;
  }

  async listRooms(limit: number, after: RoomCursor | null): Promise<ListPage> {
    this.assertOpen();
    return pageOf(
      [...this.rooms.values()].map((room) => room.record),
      limit,
      after,
    );
  }

  async deleteRoom(id: string, retiredStateVector: Uint8Array): Promise<boolean> {
    this.assertOpen();
    if (!this.rooms.delete(id)) return false;
    this.chat.deleteRoom(id);
    this.runs.deleteRoom(id);
    this.retired.set(id, [...(this.retired.get(id) ?? []), retiredStateVector.slice()]);
    return true;
  }

  async touchRooms(ids: readonly string[], openedAt: number): Promise<void> {
    this.assertOpen();
    for (const id of ids) {
      const room = this.rooms.get(id);
      if (room) room.lastOpenedAt = Math.max(room.lastOpenedAt, openedAt);
    }
  }

  async listRoomsNotOpenedSince(before: number, limit: number): Promise<UnopenedRoom[]> {
    this.assertOpen();
    assertLimit(limit);
    return [...this.rooms.values()]
      .filter((room) => room.lastOpenedAt < before)
      .map((room) => ({ id: room.record.id, lastOpenedAt: room.lastOpenedAt }))
      .sort((a, b) => a.lastOpenedAt - b.lastOpenedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
  }

  async writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void> {
    this.assertOpen();
    for (const write of writes) {
      const { roomId, incarnation, updates, meta } = write;
      const room = this.rooms.get(roomId);
      if (room?.incarnation !== incarnation || (updates.length === 0 && !meta)) continue;
      room.history.appendWrite(write, updatedAt, () => this.nextSeq());
      if (meta) applyMeta(room.record, meta);
      bumpUpdatedAt(room.record, updatedAt);
    }
  }

  async loadDocument(id: string): Promise<StoredDocument | null> {
    this.assertOpen();
    const room = this.rooms.get(id);
    if (!room) return null;
    const retiredStateVectors = (this.retired.get(id) ?? []).map((sv) => sv.slice());
    return { incarnation: room.incarnation, retiredStateVectors, ...room.history.document() };
  }

  async storeCheckpoint(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.assertOpen();
    this.rooms.get(id)?.history.storeCheckpoint(snapshot, throughSeq);
  }

  async readHistory(roomId: string, after: number, limit: number): Promise<HistoryEntry[]> {
    assertLimit(limit);
    return this.historyOf(roomId)?.read(after, limit) ?? [];
  }

  async checkpointAtOrBefore(roomId: string, seq: number): Promise<Checkpoint | null> {
    return this.historyOf(roomId)?.checkpointAtOrBefore(seq) ?? null;
  }

  async historyBounds(roomId: string): Promise<HistoryBounds | null> {
    return this.historyOf(roomId)?.bounds() ?? null;
  }

  async roomAuthors(roomId: string, ids?: readonly string[]): Promise<HistoryAuthor[]> {
    return this.historyOf(roomId)?.namedAuthors(ids) ?? [];
  }

  async authorsBetween(roomId: string, afterSeq: number, throughSeq: number): Promise<string[]> {
    return this.historyOf(roomId)?.authorsBetween(afterSeq, throughSeq) ?? [];
  }

  async addVersion(version: VersionRecord): Promise<void> {
    this.historyOf(version.roomId)?.addVersion(version);
  }

  async listVersions(roomId: string): Promise<VersionSummaryRecord[]> {
    return this.historyOf(roomId)?.listVersions() ?? [];
  }

  async getVersion(roomId: string, id: string): Promise<VersionRecord | null> {
    return this.historyOf(roomId)?.getVersion(id) ?? null;
  }

  async thinHistory(roomId: string, change: HistoryThinning): Promise<void> {
    this.historyOf(roomId)?.thin(change);
  }

  async deleteAutoVersionsBefore(roomId: string, before: number): Promise<number> {
    return this.historyOf(roomId)?.deleteAutoVersionsBefore(before) ?? 0;
  }

  async roomsWithLogBefore(before: number, limit: number): Promise<string[]> {
    this.assertOpen();
    assertLimit(limit);
    return [...this.rooms.keys()].filter((id) => this.rooms.get(id)?.history.hasLogBefore(before)).slice(0, limit);
  }

  private historyOf(roomId: string): MemoryRoomHistory | undefined {
    this.assertOpen();
    return this.rooms.get(roomId)?.history;
  }

  async getAccess(roomId: string): Promise<RoomAccess | null> {
    this.assertOpen();
    const room = this.rooms.get(roomId);
    return room ? { ...room.access } : null;
  }

  async updateAccess(roomId: string, change: RoomAccessChange): Promise<boolean> {
    this.assertOpen();
    const room = this.rooms.get(roomId);
    if (!room) return false;
    room.access = { ...room.access, ...definedFields(change) };
    return true;
  }

  async memberRole(roomId: string, userId: string): Promise<RoomRole | null> {
    this.assertOpen();
    return this.rooms.get(roomId)?.members.get(userId)?.role ?? null;
  }

  async listMembers(roomId: string): Promise<MemberRecord[]> {
    this.assertOpen();
    const members = [...(this.rooms.get(roomId)?.members ?? [])];
    return members.map(([userId, m]) => ({ userId, username: this.accounts.usernameOf(userId) ?? '', role: m.role, addedAt: m.addedAt }));
  }

  async setMember(roomId: string, userId: string, role: RoomRole, at: number): Promise<boolean> {
    this.assertOpen();
    const room = this.rooms.get(roomId);
    if (!room || this.accounts.usernameOf(userId) === undefined) return false;
    room.members.set(userId, { role, addedAt: room.members.get(userId)?.addedAt ?? at });
    return true;
  }

  async removeMember(roomId: string, userId: string): Promise<boolean> {
    this.assertOpen();
    return this.rooms.get(roomId)?.members.delete(userId) ?? false;
  }

  async createLink(link: LinkRecord): Promise<boolean> {
    this.assertOpen();
    const room = this.rooms.get(link.roomId);
    if (!room) return false;
    room.links.push({ ...link });
    return true;
  }

  async findLink(roomId: string, tokenHash: string): Promise<LinkRecord | null> {
    this.assertOpen();
    const link = this.rooms.get(roomId)?.links.find((l) => l.tokenHash === tokenHash);
    return link ? { ...link } : null;
  }

  async listLinks(roomId: string): Promise<LinkRecord[]> {
    this.assertOpen();
    return [...(this.rooms.get(roomId)?.links ?? [])].reverse().map((l) => ({ ...l }));
  }

  async revokeLink(roomId: string, linkId: string, at: number): Promise<boolean> {
    this.assertOpen();
    const link = this.rooms.get(roomId)?.links.find((l) => l.id === linkId);
    if (!link || link.revokedAt !== null) return false;
    link.revokedAt = at;
    return true;
  }

  async listRoomsOf(userId: string, limit: number, after: RoomCursor | null): Promise<ListPage<RoomOfUser>> {
    this.assertOpen();
    const mine = [...this.rooms.values()].filter((room) => room.access.ownerUserId === userId || room.members.has(userId));
    return pageOf(
      mine.map((room) => ({ ...room.record, access: { ...room.access }, memberRole: room.members.get(userId)?.role ?? null })),
      limit,
      after,
    );
  }

  async countRoomsOwnedBy(userId: string): Promise<number> {
    this.assertOpen();
    return [...this.rooms.values()].filter((room) => room.access.ownerUserId === userId).length;
  }

  createUser(user: UserRecord): Promise<void> {
    this.assertOpen();
    return this.accounts.createUser(user);
  }

  findUserByName(username: string): Promise<UserRecord | null> {
    this.assertOpen();
    return this.accounts.findUserByName(username);
  }

  getUser(id: string): Promise<UserRecord | null> {
    this.assertOpen();
    return this.accounts.getUser(id);
  }

  createSession(session: SessionRecord): Promise<void> {
    this.assertOpen();
    return this.accounts.createSession(session);
  }

  getSession(id: string): Promise<SessionRecord | null> {
    this.assertOpen();
    return this.accounts.getSession(id);
  }

  revokeSession(id: string, at: number): Promise<boolean> {
    this.assertOpen();
    return this.accounts.revokeSession(id, at);
  }

  ensureSecret(name: string, value: string): Promise<string> {
    this.assertOpen();
    return this.accounts.ensureSecret(name, value);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  appendChat(roomId: string, message: NewChatMessage): Promise<StoredChatMessage | null> {
    this.assertOpen();
    return this.chat.appendChat(roomId, message);
  }

  listChat(roomId: string, before: number | null, limit: number): Promise<StoredChatPage> {
    this.assertOpen();
    return this.chat.listChat(roomId, before, limit);
  }

  createRun(roomId: string, incarnation: string, run: StoredRun, savedAt: number): Promise<boolean> {
    this.assertOpen();
    return this.runs.createRun(roomId, incarnation, run, savedAt);
  }

  saveRun(roomId: string, run: StoredRun, savedAt: number): Promise<boolean> {
    this.assertOpen();
    return this.runs.saveRun(roomId, run, savedAt);
  }

  listRuns(roomId: string, before: number | null, limit: number): Promise<StoredRunPage> {
    this.assertOpen();
    return this.runs.listRuns(roomId, before, limit);
  }

  loseStaleRuns(roomId: string, savedBefore: number, at: number): Promise<StoredRun[]> {
    this.assertOpen();
    return this.runs.loseStaleRuns(roomId, savedBefore, at);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private nextSeq(): number {
    this.lastSeq += 1;
    return this.lastSeq;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryRoomStore is closed');
  }
}

/** One page of `records` in listRooms order, after the cursor; copies. */
function pageOf<Room extends RoomRecord>(records: readonly Room[], limit: number, after: RoomCursor | null): ListPage<Room> {
  assertLimit(limit);
  const ordered = records.filter((record) => after === null || compareListOrder(record, after) > 0).sort(compareListOrder);
  const page = ordered.slice(0, limit).map((record) => ({ ...record }));
  const last = page[page.length - 1];
  const next = ordered.length > limit && last ? { updatedAt: last.updatedAt, id: last.id } : null;
  return { rooms: page, next };
}

/** The fields of `change` that are set: an explicit undefined must not erase a stored value. */
function definedFields<T extends object>(change: T): Partial<T> {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Sort key of listRooms: updatedAt descending, then id descending (code-unit order). */
function compareListOrder(a: RoomCursor, b: RoomCursor): number {
  if (a.updatedAt !== b.updatedAt) return b.updatedAt - a.updatedAt;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

function applyMeta(record: RoomRecord, meta: RoomMetaChange): void {
  if (meta.name !== undefined) record.name = meta.name;
  if (meta.language !== undefined) record.language = meta.language;
}

// Clocks of different server instances disagree a little; updatedAt must not go backwards.
function bumpUpdatedAt(record: RoomRecord, updatedAt: number): void {
  record.updatedAt = Math.max(record.updatedAt, updatedAt);
}

function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`invalid list limit ${limit}`);
}
