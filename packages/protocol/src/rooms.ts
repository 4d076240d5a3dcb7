import { z } from 'zod';
import { type RoomRole, type Visibility, visibilitySchema } from './access.js';
import { type HistoryAccess, historyAccessSchema } from './history.js';
import { LANGUAGE_IDS } from './languages.js';

/** Ids a caller may choose. Server-generated ids match this too. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{3,64}$/;
export const ROOM_NAME_MAX = 100;

export const roomIdSchema = z.string().regex(ROOM_ID_PATTERN, 'room id must match [A-Za-z0-9_-]{3,64}');
export const languageSchema = z.enum(LANGUAGE_IDS);
export const roomNameSchema = z.string().trim().min(1, 'name must not be empty').max(ROOM_NAME_MAX);

export const createRoomBodySchema = z.strictObject({
  id: roomIdSchema.optional(),
  name: roomNameSchema.optional(),
  language: languageSchema.optional(),
  /** Default `public-edit`. */
  visibility: visibilitySchema.optional(),
});
export type CreateRoomBody = z.infer<typeof createRoomBodySchema>;

/** `PATCH /api/rooms/:id` (owner only). Editors change name and language through the document. */
export const updateRoomBodySchema = z
  .strictObject({
    name: roomNameSchema.optional(),
    language: languageSchema.optional(),
    visibility: visibilitySchema.optional(),
    aiCompletions: z.boolean().optional(),
    runCode: z.boolean().optional(),
    historyAccess: historyAccessSchema.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give name, language, visibility, aiCompletions, runCode or historyAccess');
export type UpdateRoomBody = z.infer<typeof updateRoomBodySchema>;

export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 100;
export const listRoomsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
  cursor: z.string().min(1).max(200).optional(),
});
export type ListRoomsQuery = z.infer<typeof listRoomsQuerySchema>;

/** A person shown in a room, from their awareness state's `user` field. */
export interface PresenceUser {
  name: string;
  color: string;
}

/** What `POST /api/rooms` and `PATCH /api/rooms/:id` answer. Times are ISO-8601. */
export interface RoomSummary {
  id: string;
  name: string;
  language: string;
  createdAt: string;
  updatedAt: string;
  visibility: Visibility;
  /** The owner's room-wide suggestions switch. */
  aiCompletions: boolean;
  /** The owner's switch for running the room's code: off, nobody starts a run. */
  runCode: boolean;
  /** Who may see the room's history: its owners only, or everyone who can edit. */
  historyAccess: HistoryAccess;
  /** The caller's role in this room. */
  role: RoomRole;
}

/** `POST /api/rooms` (201). `ownerKey` only for a room a guest created: shown once, keep it to manage the room. */
export interface CreatedRoom extends RoomSummary {
  ownerKey?: string;
}

export interface RoomListItem extends RoomSummary {
  activeUsers: number;
}

export interface RoomList {
  rooms: RoomListItem[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

export interface RoomDetails extends RoomSummary {
  code: string;
  activeUsers: PresenceUser[];
}

/** Every 4xx/5xx JSON answer has this shape. */
export interface ApiError {
  error: { code: string; message: string };
}
