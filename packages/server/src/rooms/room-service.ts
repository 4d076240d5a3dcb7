import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import {
  CODE_TEXT,
  DEFAULT_LANGUAGE,
  META_KEYS,
  META_MAP,
  type CreateRoomBody,
  type LanguageId,
  type RoomDetails,
  type RoomList,
  type RoomSummary,
  type UpdateRoomBody,
} from '@pairwise/protocol';
import type { RoomCursor, RoomRecord, RoomStore } from '../storage/store.js';
import type { RoomRegistry } from '../sync/room-registry.js';
import { mergeStateVectors, stateVectorOfUpdates } from '../sync/state-vectors.js';
import { starterSnippet } from './starter-snippets.js';

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this server issued');
    this.name = 'InvalidCursorError';
  }
}

/** The rooms API's logic: the index in the store plus the live documents in the registry. */
export class RoomService {
  constructor(
    private readonly store: RoomStore,
    private readonly registry: RoomRegistry,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws RoomExistsError if the caller's id is taken. */
  async create(body: CreateRoomBody): Promise<RoomSummary> {
    const language = body.language ?? DEFAULT_LANGUAGE;
    const createdAt = this.now();
    const record: RoomRecord = {
      id: body.id ?? newRoomId(),
      name: body.name ?? 'Untitled room',
      language,
      createdAt,
      updatedAt: createdAt,
    };
    await this.store.createRoom(record, initialDocument(record.name, language));
    return toSummary(record);
  }

  async list(limit: number, cursor: string | undefined): Promise<RoomList> {
    const page = await this.store.listRooms(limit, cursor === undefined ? null : decodeCursor(cursor));
    return {
      rooms: page.rooms.map((r) => ({ ...toSummary(r), activeUsers: this.registry.loaded(r.id)?.presence().length ?? 0 })),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
  }

  async get(id: string): Promise<RoomDetails | null> {
    const record = await this.store.getRoom(id);
    if (!record) return null;
    const live = await this.registry.withRoom(id, (room) => ({ code: room.text.toString(), activeUsers: room.presence() }));
    return live && { ...toSummary(record), ...live };
  }

  /**
   * Changes go through the document, so connected users see them, and are stored with the room's
   * edits, in order, before this answers.
   */
  async update(id: string, change: UpdateRoomBody): Promise<RoomSummary | null> {
    if (!(await this.registry.changeSettings(id, change))) return null;
    const record = await this.store.getRoom(id);
    return record && toSummary(record);
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
  const doc = new Y.Doc();
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

function toSummary(r: RoomRecord): RoomSummary {
  return {
    id: r.id,
    name: r.name,
    language: r.language,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    // Until access control is wired in, everyone is the owner of a public-edit room.
    visibility: 'public-edit',
    aiCompletions: true,
    role: 'owner',
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
