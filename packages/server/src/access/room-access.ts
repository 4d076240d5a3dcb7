import type { RoomRole } from '@pairwise/protocol';
import type { AccessStore, RoomAccess } from '../storage/access.js';
import { linkRole, roleFrom } from './policy.js';
import { hashSecret, matchesHash } from './secret-tokens.js';
import type { PresentedCredentials, Principal } from './session.js';

/** A principal's standing in an existing room: the room's access settings and the role they give. */
export interface RoomStanding {
  access: RoomAccess;
  /** Null: no access at all (a private room's outsider). */
  role: RoomRole | null;
}

/** A standing that has a role. */
export type RoomMember = RoomStanding & { role: RoomRole };

/** Gathers what grants a role (ownership, membership, a share link, visibility) from the store. */
export class RoomAccessControl {
  constructor(
    private readonly store: AccessStore,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Null when the room does not exist. */
  async standing(roomId: string, principal: Principal, presented: PresentedCredentials): Promise<RoomStanding | null> {
    const access = await this.store.getAccess(roomId);
    if (!access) return null;
    if (isOwner(access, principal, presented)) return { access, role: 'owner' };
    const [memberRole, link] = await Promise.all([
      principal.kind === 'user' ? this.store.memberRole(roomId, principal.userId) : null,
      presented.linkToken === null ? null : this.store.findLink(roomId, hashSecret(presented.linkToken)),
    ]);
    const role = roleFrom({ visibility: access.visibility, isOwner: false, memberRole, linkRole: linkRole(link, this.now()) });
    return { access, role };
  }
}

/** The signed-in creator, or anyone presenting the owner key a guest creator was given. */
function isOwner(access: RoomAccess, principal: Principal, presented: PresentedCredentials): boolean {
  if (principal.kind === 'user' && access.ownerUserId === principal.userId) return true;
  return presented.ownerKey !== null && access.ownerKeyHash !== null && matchesHash(presented.ownerKey, access.ownerKeyHash);
}
