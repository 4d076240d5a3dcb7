import type { HistoryAccess, RoomRole, Visibility } from '@pairwise/protocol';
import type { ListPage, RoomCursor, RoomRecord } from './store.js';

/** Who owns a room and who gets in with its link; kept with the room, deleted with it. */
export interface RoomAccess {
  visibility: Visibility;
  /** The signed-in creator, or null for a room a guest created. */
  ownerUserId: string | null;
  /** SHA-256 (hex) of the owner key handed to a guest creator, or null. */
  ownerKeyHash: string | null;
  /** The owner's room-wide suggestions switch. */
  aiCompletions: boolean;
  /** The owner's switch for running the room's code. */
  runCode: boolean;
  /** Who may see the room's history (versions, timeline, playback). */
  historyAccess: HistoryAccess;
}

/** The settings an owner changes; fields left undefined stay as they are. */
export type RoomAccessChange = Partial<Pick<RoomAccess, 'visibility' | 'aiCompletions' | 'runCode' | 'historyAccess'>>;

/** Access of a new room; `createRoom` stores it with the room, atomically. */
export type RoomAccessInit = Pick<RoomAccess, 'visibility' | 'ownerUserId' | 'ownerKeyHash'>;

export const DEFAULT_ROOM_ACCESS: RoomAccess = {
  visibility: 'public-edit',
  ownerUserId: null,
  ownerKeyHash: null,
  aiCompletions: true,
  runCode: true,
  historyAccess: 'editors',
};

/** A room in a user's list, with what their role in it is decided from (listing needs no query per room). */
export interface RoomOfUser extends RoomRecord {
  access: RoomAccess;
  /** The user's role as a member; null if they only own the room. */
  memberRole: RoomRole | null;
}

export interface MemberRecord {
  userId: string;
  username: string;
  role: RoomRole;
  /** Epoch milliseconds. */
  addedAt: number;
}

/** A share link: its token is only ever stored hashed (SHA-256, hex). */
export interface LinkRecord {
  id: string;
  roomId: string;
  tokenHash: string;
  role: Exclude<RoomRole, 'owner'>;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface AccessStore {
  /** Null if the room does not exist. */
  getAccess(roomId: string): Promise<RoomAccess | null>;
  /** False if the room does not exist. */
  updateAccess(roomId: string, change: RoomAccessChange): Promise<boolean>;
  memberRole(roomId: string, userId: string): Promise<RoomRole | null>;
  /** Members with their usernames, in the order they were added. */
  listMembers(roomId: string): Promise<MemberRecord[]>;
  /** Adds the member or changes their role. False if the room or the user does not exist. */
  setMember(roomId: string, userId: string, role: RoomRole, at: number): Promise<boolean>;
  removeMember(roomId: string, userId: string): Promise<boolean>;
  /** False if the room does not exist. */
  createLink(link: LinkRecord): Promise<boolean>;
  /** The link of this room with this token hash, revoked or expired ones included (the caller decides). */
  findLink(roomId: string, tokenHash: string): Promise<LinkRecord | null>;
  /** Every link of the room, newest first. */
  listLinks(roomId: string): Promise<LinkRecord[]>;
  /** Marks the link revoked (first time only). False if it does not exist or was already revoked. */
  revokeLink(roomId: string, linkId: string, at: number): Promise<boolean>;
  /** Rooms the user owns or is a member of, in listRooms order (updatedAt, then id, descending), each with its access and the user's member role. */
  listRoomsOf(userId: string, limit: number, after: RoomCursor | null): Promise<ListPage<RoomOfUser>>;
  /** How many rooms the user owns (ownerUserId), for the rooms-per-user limit. */
  countRoomsOwnedBy(userId: string): Promise<number>;
}
