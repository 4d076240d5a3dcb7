import { randomBytes } from 'node:crypto';
import type { CreatedShareLink, CreateLinkBody, MemberInfo, RoomRole, ShareLinkInfo } from '@pairwise/protocol';
import type { AccessStore, LinkRecord } from '../storage/access.js';
import type { AccountStore } from '../storage/accounts.js';
import { hashSecret, newSecretToken } from './secret-tokens.js';
import type { AccessEvents } from './session.js';

/** No account has this username. */
export class UnknownUserError extends Error {
  constructor(readonly username: string) {
    super(`no user is called ${username}`);
    this.name = 'UnknownUserError';
  }
}

export interface RoomSharingOptions {
  store: AccessStore & Pick<AccountStore, 'findUserByName'>;
  events: AccessEvents;
  now?: () => number;
}

/**
 * Members and share links of a room (the caller has checked that the owner asks). Every change
 * that can take access away is announced, so open connections are reviewed at once.
 */
export class RoomSharing {
  private readonly now: () => number;

  constructor(private readonly options: RoomSharingOptions) {
    this.now = options.now ?? (() => Date.now());
  }

  async members(roomId: string): Promise<MemberInfo[]> {
    const members = await this.options.store.listMembers(roomId);
    return members.map((m) => ({ username: m.username, role: m.role, addedAt: new Date(m.addedAt).toISOString() }));
  }

  /** Adds the member or changes their role. Throws UnknownUserError; false if the room is gone. */
  async setMember(roomId: string, username: string, role: RoomRole): Promise<MemberInfo | null> {
    const user = await this.options.store.findUserByName(username);
    if (!user) throw new UnknownUserError(username);
    if (!(await this.options.store.setMember(roomId, user.id, role, this.now()))) return null;
    this.options.events.accessChanged(roomId);
    const member = (await this.members(roomId)).find((m) => m.username === user.username);
    return member ?? null;
  }

  /** False if the user is not a member (or does not exist). */
  async removeMember(roomId: string, username: string): Promise<boolean> {
    const user = await this.options.store.findUserByName(username);
    if (!user || !(await this.options.store.removeMember(roomId, user.id))) return false;
    this.options.events.accessChanged(roomId);
    return true;
  }

  /** The token is in the answer and nowhere else: only its hash is stored. Null if the room is gone. */
  async createLink(roomId: string, body: CreateLinkBody): Promise<CreatedShareLink | null> {
    const token = newSecretToken();
    const createdAt = this.now();
    const link: LinkRecord = {
      id: randomBytes(9).toString('base64url'),
      roomId,
      tokenHash: hashSecret(token),
      role: body.role,
      createdAt,
      expiresAt: body.expiresInSeconds === undefined ? null : createdAt + body.expiresInSeconds * 1000,
      revokedAt: null,
    };
    if (!(await this.options.store.createLink(link))) return null;
    return { ...linkInfo(link), token };
  }

  async links(roomId: string): Promise<ShareLinkInfo[]> {
    return (await this.options.store.listLinks(roomId)).map(linkInfo);
  }

  /** False if the room has no such link or it was revoked already. */
  async revokeLink(roomId: string, linkId: string): Promise<boolean> {
    if (!(await this.options.store.revokeLink(roomId, linkId, this.now()))) return false;
    this.options.events.accessChanged(roomId);
    return true;
  }
}

function linkInfo(link: LinkRecord): ShareLinkInfo {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: link.id,
    role: link.role,
    createdAt: new Date(link.createdAt).toISOString(),
    expiresAt: iso(link.expiresAt),
    revokedAt: iso(link.revokedAt),
  };
}
