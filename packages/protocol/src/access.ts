import { z } from 'zod';

/**
 * Who may do what in a room. Roles are ordered: each includes what the ones before it may do.
 * `viewer` reads and shows presence; `editor` also edits the code and the shared settings anyone
 * may change (name, language); `owner` also manages visibility, members, share links and the
 * owner-only switches.
 */
export const ROOM_ROLES = ['viewer', 'editor', 'owner'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];
export const roomRoleSchema = z.enum(ROOM_ROLES);

/** True when `role` includes everything `needed` may do. */
export function roleAtLeast(role: RoomRole | null, needed: RoomRole): boolean {
  return role !== null && ROOM_ROLES.indexOf(role) >= ROOM_ROLES.indexOf(needed);
}

/**
 * Who gets in with just the room's link: `public-edit` anyone edits (the default), `public-view`
 * anyone watches and members edit, `private` members (and share-link holders) only.
 */
export const VISIBILITIES = ['public-edit', 'public-view', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export const visibilitySchema = z.enum(VISIBILITIES);

/** Where callers present credentials besides the session (cookie or `Authorization: Bearer`). */
export const CREDENTIALS = {
  /** The guest creator's owner key: HTTP header, or WebSocket query parameter `ownerKey`. */
  ownerKeyHeader: 'x-pairwise-owner-key',
  ownerKeyParam: 'ownerKey',
  /** A share link's token: HTTP header, or WebSocket query parameter `link`. */
  linkHeader: 'x-pairwise-link',
  linkParam: 'link',
  /** A session token on the WebSocket (the stock provider's `params` option), for clients without the cookie. */
  tokenParam: 'token',
  /** The browser's session cookie (httpOnly, SameSite=Lax) and the signed guest identity cookie. */
  sessionCookie: 'pairwise_session',
  guestCookie: 'pairwise_guest',
} as const;

export const setMemberBodySchema = z.strictObject({ role: roomRoleSchema });
export type SetMemberBody = z.infer<typeof setMemberBodySchema>;

export const LINK_MAX_LIFETIME_S = 365 * 24 * 3600;
export const createLinkBodySchema = z.strictObject({
  role: z.enum(['viewer', 'editor']),
  /** Omit for a link that lasts until revoked. */
  expiresInSeconds: z.number().int().min(60).max(LINK_MAX_LIFETIME_S).optional(),
});
export type CreateLinkBody = z.infer<typeof createLinkBodySchema>;

/** `GET /api/rooms/:id/members`: `{members: MemberInfo[]}`. */
export interface MemberInfo {
  username: string;
  role: RoomRole;
  addedAt: string;
}

/** A share link as listed; the token itself is only ever returned once, at creation. */
export interface ShareLinkInfo {
  id: string;
  role: Exclude<RoomRole, 'owner'>;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** `POST /api/rooms/:id/links` answer (201). */
export interface CreatedShareLink extends ShareLinkInfo {
  token: string;
}
