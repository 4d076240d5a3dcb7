import { ROOM_ROLES, type RoomRole, type Visibility } from '@pairwise/protocol';
import type { LinkRecord } from '../storage/access.js';

/** Everything that can give a principal a role in a room; the highest role wins. */
export interface RoleGrants {
  visibility: Visibility;
  /** The signed-in creator, or whoever presented the guest creator's owner key. */
  isOwner: boolean;
  memberRole: RoomRole | null;
  /** The role of a share link the caller presented, if it is still valid. */
  linkRole: RoomRole | null;
}

/** What anyone with the room's link gets: `public-edit` edits, `public-view` watches, `private` nothing. */
export function visibilityRole(visibility: Visibility): RoomRole | null {
  if (visibility === 'public-edit') return 'editor';
  if (visibility === 'public-view') return 'viewer';
  return null;
}

/** The highest of the roles given, or null when none is. */
export function highestRole(roles: readonly (RoomRole | null)[]): RoomRole | null {
  let best: RoomRole | null = null;
  for (const role of roles) if (role !== null && (best === null || ROOM_ROLES.indexOf(role) > ROOM_ROLES.indexOf(best))) best = role;
  return best;
}

/** A principal's role in a room, or null: no access (a private room's outsider). */
export function roleFrom(grants: RoleGrants): RoomRole | null {
  return highestRole([grants.isOwner ? 'owner' : null, grants.memberRole, grants.linkRole, visibilityRole(grants.visibility)]);
}

/** The role a share link grants at `now`: none once it is revoked or has expired. */
export function linkRole(link: LinkRecord | null, now: number): RoomRole | null {
  if (link === null || link.revokedAt !== null) return null;
  if (link.expiresAt !== null && link.expiresAt <= now) return null;
  return link.role;
}
