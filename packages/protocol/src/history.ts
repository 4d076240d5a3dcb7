import { z } from 'zod';

/**
 * Room history: versions (named and automatic), the keystroke timeline, and chat. Times are
 * ISO-8601. Authors come from the server's sessions, never from what a client claims.
 */

/** Who made a change or wrote a message. `id` is stable per person (`user:<id>`, `guest:<id>`, or `server`). */
export interface HistoryAuthor {
  id: string;
  name: string;
  color: string;
}

export const VERSION_NAME_MAX = 100;
export const versionNameSchema = z.string().trim().min(1, 'name must not be empty').max(VERSION_NAME_MAX);

/** `POST /api/rooms/:id/versions` (editors and owners). */
export const createVersionBodySchema = z.strictObject({ name: versionNameSchema });
export type CreateVersionBody = z.infer<typeof createVersionBodySchema>;

export interface VersionSummary {
  id: string;
  /** The given name; automatic versions get a generated one ("After a pause", "Every 10 minutes"). */
  name: string;
  createdAt: string;
  /** Who changed the code since the previous version. */
  authors: HistoryAuthor[];
  auto: boolean;
  /** The timeline point the version captures (the last stored update it includes). */
  seq: number;
}

/** `GET /api/rooms/:id/versions`: newest first. */
export interface VersionList {
  versions: VersionSummary[];
}

/** `GET /api/rooms/:id/versions/:v`. */
export interface VersionDetails extends VersionSummary {
  code: string;
}

/** One stored change on the timeline. */
export interface TimelinePoint {
  seq: number;
  at: string;
  /** A `HistoryAuthor.id` from the page's `authors`; null when not known (stored before history was kept). */
  author: string | null;
  /** Characters this change inserted and deleted in the code. */
  inserted: number;
  deleted: number;
  /** A large insertion in one change (pasted, not typed). */
  paste: boolean;
}

export const TIMELINE_PAGE_DEFAULT = 500;
export const TIMELINE_PAGE_MAX = 2000;

/** `GET /api/rooms/:id/timeline?after=&limit=`: points after `after` (exclusive), oldest first. */
export const timelineQuerySchema = z.strictObject({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(TIMELINE_PAGE_MAX).default(TIMELINE_PAGE_DEFAULT),
  /** `1`: each point also carries its Yjs update (base64), for playing back in the browser. */
  updates: z.enum(['0', '1']).default('0'),
});
export type TimelineQuery = z.infer<typeof timelineQuerySchema>;

export interface TimelinePage {
  points: (TimelinePoint & { update?: string })[];
  /** Everyone who appears in `points`. */
  authors: HistoryAuthor[];
  /** The first and last point the room's history holds (0 when empty), for the scrubber's range. */
  firstSeq: number;
  lastSeq: number;
  /** Pass as `after` for the next page; null on the last. */
  nextAfter: number | null;
}

/** `GET /api/rooms/:id/timeline/:seq`: the code right after that point; `state=1` adds the Yjs state (base64). */
export interface TimelineText {
  seq: number;
  at: string;
  code: string;
  state?: string;
}

/** Who may see a room's history (versions, timeline, playback): an owner setting. */
export const HISTORY_ACCESS = ['owners', 'editors'] as const;
export type HistoryAccess = (typeof HISTORY_ACCESS)[number];
export const historyAccessSchema = z.enum(HISTORY_ACCESS);

export const CHAT_TEXT_MAX = 2000;
export const chatBodySchema = z.strictObject({
  text: z.string().trim().min(1, 'message must not be empty').max(CHAT_TEXT_MAX),
});
export type ChatBody = z.infer<typeof chatBodySchema>;

export interface ChatMessage {
  id: string;
  /** Increasing within the room: the page cursor and the order messages are shown in. */
  seq: number;
  at: string;
  author: HistoryAuthor;
  text: string;
}

/** `GET /api/rooms/:id/chat?before=&limit=`: newest page first, messages oldest first within it. */
export const chatQuerySchema = z.strictObject({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ChatQuery = z.infer<typeof chatQuerySchema>;

export interface ChatPage {
  messages: ChatMessage[];
  /** Pass as `before` for older messages; null when there are none. */
  nextBefore: number | null;
}
