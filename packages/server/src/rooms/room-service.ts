import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import {
  CODE_TEXT,
  DEFAULT_LANGUAGE,
  META_KEYS,
  META_MAP,
  type CreatedRoom,
  type CreateRoomBody,
  type LanguageId,
  type RoomDetails,
  type RoomList,
  type RoomListItem,
  type RoomRole,
  type RoomSummary,
  type UpdateRoomBody,
} from '@pairwise/protocol';
import { roleFrom } from '../access/policy.js';
import type { RoomMember } from '../access/room-access.js';
import { hashSecret, newSecretToken } from '../access/secret-tokens.js';
import type { AccessEvents, Principal } from '../access/session.js';
import { type AccessStore, DEFAULT_ROOM_ACCESS, type RoomAccess, type RoomAccessInit, type RoomOfUser } from '../storage/access.js';
import type { RoomCursor, RoomRecord, RoomStore } from '../storage/store.js';
import type { RoomRegistry } from '../sync/room-registry.js';
import { mergeStateVectors, stateVectorOfUpdates } from '../sync/state-vectors.js';
import { starterSnippet } from './starter-snippets.js';
import { newDoc } from '../storage/new-doc.js';

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this server issued');
    this.name = 'InvalidCursorError';
  }
}

/** The signed-in user already owns as many rooms as one user may. */
export class TooManyRoomsError extends Error {
  constructor(readonly limit: number) {
    super(`you own ${limit} rooms, the most one user may; delete one first`);
    this.name = 'TooManyRoomsError';
  }
}

export interface RoomServiceOptions {
  store: RoomStore & AccessStore;
  registry: RoomRegistry;
  /** Told when visibility changes, so open connections are reviewed. */
  events: AccessEvents;
  maxRoomsPerUser: number;
  now?: () => number;
}

/** The rooms API's logic: the index in the store plus the live documents in the registry. */
export class RoomService {
  private readonly store: RoomStore & AccessStore;
  private readonly registry: RoomRegistry;
  private readonly now: () => number;

  constructor(private readonly options: RoomServiceOptions) {
    this.store = options.store;
    this.registry = options.registry;
    this.now = options.now ?? (() => Date.now());
  }

  /**
   * A signed-in creator owns the room; a guest creator gets an owner key, returned only here.
   * Throws RoomExistsError if the caller's id is taken, TooManyRoomsError past the per-user limit.
   */
  async create(body: CreateRoomBody, creator: Principal): Promise<CreatedRoom> {
    if (creator.kind === 'user' && (await this.store.countRoomsOwnedBy(creator.userId)) >= this.options.maxRoomsPerUser) {
      throw new TooManyRoomsError(this.options.maxRoomsPerUser);
    }
    const language = body.language ?? DEFAULT_LANGUAGE;
    const createdAt = this.now();
    const record: RoomRecord = {
      id: body.id ?? newRoomId(),
      name: body.name ?? 'Untitled room',
      language,
      createdAt,
      updatedAt: createdAt,
    };
    const ownerKey = creator.kind === 'guest' ? newSecretToken() : null;
    const access: RoomAccessInit = {
      visibility: body.visibility ?? DEFAULT_ROOM_ACCESS.visibility,
      ownerUserId: creator.kind === 'user' ? creator.userId : null,
      ownerKeyHash: ownerKey === null ? null : hashSecret(ownerKey),
    };
    await this.store.createRoom(record, initialDocument(record.name, language), access);
    const summary = toSummary(record, { ...DEFAULT_ROOM_ACCESS, ...access }, 'owner');
    return ownerKey === null ? summary : { ...summary, ownerKey };
  }

  /** Rooms the caller owns or is a member of; a guest is neither anywhere, so gets none. */
  async list(caller: Principal, limit: number, cursor: string | undefined): Promise<RoomList> {
    const after = cursor === undefined ? null : decodeCursor(cursor);
    if (caller.kind === 'guest') return { rooms: [], nextCursor: null };
    const page = await this.store.listRoomsOf(caller.userId, limit, after);
    const rooms = page.rooms.map((room) => this.listItem(room, caller.userId));
    return {
      rooms: rooms.filter((room) => room !== null),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
  }

  /** `standing` is the caller's, with a role. Null if the room is gone. */
  async get(id: string, standing: RoomMember): Promise<RoomDetails | null> {
    const record = await this.store.getRoom(id);
    if (!record) return null;
    const live = await this.registry.withRoom(id, (room) => ({
      code: room.text.toString(),
      activeUsers: room.presence(),
      // What connected clients see. Rooms from before accounts keep the value their document has.
      aiCompletions: room.doc.getMap<unknown>(META_MAP).get(META_KEYS.aiCompletions) !== false,
      runCode: room.meta().runCode !== false,
    }));
    return live && { ...toSummary(record, standing.access, standing.role), ...live };
  }

  /**
   * Settings go through the document, so connected users see them, and are stored with the room's
   * edits, in order, before this answers; visibility, the suggestions and running switches and who may see
   * history are also stored in the room's access (history access only there). Null if the room is gone.
   */
  async update(id: string, change: UpdateRoomBody, standing: RoomMember): Promise<RoomSummary | null> {
    const { name, language, visibility, aiCompletions, runCode, historyAccess } = change;
    const accessChange = { visibility, aiCompletions, runCode, historyAccess };
    if (Object.values(accessChange).some((v) => v !== undefined) && !(await this.store.updateAccess(id, accessChange))) return null;
    if (visibility !== undefined) this.options.events.accessChanged(id);
    if (
      [name, language, aiCompletions, runCode].some((v) => v !== undefined) &&
      !(await this.registry.changeSettings(id, { name, language, aiCompletions, runCode }))
    ) {
      return null;
    }
    const [record, access] = await Promise.all([this.store.getRoom(id), this.store.getAccess(id)]);
    return record && access && toSummary(record, access, standing.role);
  }

  /** Null if the user has no role in the room (listed as a member whose role gives no access). */
  private listItem(room: RoomOfUser, userId: string): RoomListItem | null {
    const { access, memberRole } = room;
    const role = roleFrom({ visibility: access.visibility, isOwner: access.ownerUserId === userId, memberRole, linkRole: null });
    if (role === null) return null;
    return { ...toSummary(room, access, role), activeUsers: this.registry.loaded(room.id)?.presence().length ?? 0 };
  }

  /**
   * Deletes the room and remembers everything it held (stored, queued or only in memory), so a
   * client still holding its content cannot push it into a new room created under the same id.
   */
  async delete(id: string): Promise<boolean> {
    const held = await this.registry.evict(id);
    const stored = await this.store.loadDocument(id);
    if (!stored) return false;
    const retired = mergeStateVectors([held, stateVectorOfUpdates(stored.updates)]);
    const deleted = await this.store.deleteRoom(id, Y.encodeStateVector(retired));
    if (deleted) this.registry.roomDeleted(id, stored.incarnation);
    // A client may have loaded the room again while its state was being read: evict that copy too.
    await this.registry.evict(id);
    return deleted;
  }
}

/** 96 random bits, URL-safe: 16 characters that nobody can guess. */
export function newRoomId(): string {
  return randomBytes(12).toString('base64url');
}

/** The room's first stored update: settings and the starter snippet, seeded exactly once. */
export function initialDocument(name: string, language: LanguageId): Uint8Array {
  const doc = newDoc();
  try {
    doc.transact(() => {
      const meta = doc.getMap<unknown>(META_MAP);
      meta.set(META_KEYS.name, name);
      meta.set(META_KEYS.language, language);
      doc.getText(CODE_TEXT).insert(0, starterSnippet(language));
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

function toSummary(r: RoomRecord, access: RoomAccess, role: RoomRole): RoomSummary {
  return {
    id: r.id,
    name: r.name,
    language: r.language,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    visibility: access.visibility,
    aiCompletions: access.aiCompletions,
    runCode: access.runCode,
    historyAccess: access.historyAccess,
    role,
  };
}

export function encodeCursor(cursor: RoomCursor): string {
  return Buffer.from(`${cursor.updatedAt}:${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string): RoomCursor {
  const match = /^(\d{1,16}):([A-Za-z0-9_-]{3,64})$/.exec(Buffer.from(value, 'base64url').toString());
  if (!match) throw new InvalidCursorError();
  return { updatedAt: Number(match[1]), id: match[2]! };
}
