import type { HistoryAccess, RoomRole, Visibility } from '@pairwise/protocol';
import type Database from 'better-sqlite3';
import type { AccessStore, LinkRecord, MemberRecord, RoomAccess, RoomAccessChange, RoomOfUser } from './access.js';
import { assertListLimit, pageOfRows } from './list-page.js';
import type { ListPage, RoomCursor, RoomRecord } from './store.js';

const ROOM_COLUMNS = 'r.id, r.name, r.language, r.created_at AS createdAt, r.updated_at AS updatedAt';
const LINK_COLUMNS = `id, room_id AS roomId, token_hash AS tokenHash, role, created_at AS createdAt,
  expires_at AS expiresAt, revoked_at AS revokedAt`;
// Rooms the user owns or is a member of, with their access and the user's membership; both branches have an index on the user.
const ROOMS_OF_COLUMNS = `${ROOM_COLUMNS}, a.visibility, a.owner_user_id AS ownerUserId, a.owner_key_hash AS ownerKeyHash,
  a.ai_completions AS aiCompletions, a.run_code AS runCode, a.history_access AS historyAccess, m.role AS memberRole`;
const ROOMS_OF = `FROM rooms r JOIN room_access a ON a.room_id = r.id
  LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = @userId
  WHERE r.id IN (
    SELECT room_id FROM room_access WHERE owner_user_id = @userId
    UNION SELECT room_id FROM room_members WHERE user_id = @userId)`;

const SQL = {
  getAccess: `SELECT visibility, owner_user_id AS ownerUserId, owner_key_hash AS ownerKeyHash, ai_completions AS aiCompletions,
    run_code AS runCode, history_access AS historyAccess FROM room_access WHERE room_id = ?`,
  updateAccess: `UPDATE room_access SET visibility = coalesce(@visibility, visibility),
    ai_completions = coalesce(@aiCompletions, ai_completions), run_code = coalesce(@runCode, run_code),
    history_access = coalesce(@historyAccess, history_access)
    WHERE room_id = @roomId`,
  memberRole: 'SELECT role FROM room_members WHERE room_id = ? AND user_id = ?',
  listMembers: `SELECT m.user_id AS userId, u.username, m.role, m.added_at AS addedAt
    FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room_id = ? ORDER BY m.rowid`,
  // Inserts nothing when the room or the user is missing; a role change keeps added_at and the row's place.
  setMember: `INSERT INTO room_members (room_id, user_id, role, added_at)
    SELECT @roomId, @userId, @role, @at
    WHERE EXISTS (SELECT 1 FROM rooms WHERE id = @roomId) AND EXISTS (SELECT 1 FROM users WHERE id = @userId)
    ON CONFLICT (room_id, user_id) DO UPDATE SET role = excluded.role`,
  removeMember: 'DELETE FROM room_members WHERE room_id = ? AND user_id = ?',
  createLink: `INSERT INTO room_links (id, room_id, token_hash, role, created_at, expires_at, revoked_at)
    SELECT @id, @roomId, @tokenHash, @role, @createdAt, @expiresAt, @revokedAt
    WHERE EXISTS (SELECT 1 FROM rooms WHERE id = @roomId)`,
  findLink: `SELECT ${LINK_COLUMNS} FROM room_links WHERE room_id = ? AND token_hash = ? ORDER BY rowid LIMIT 1`,
  listLinks: `SELECT ${LINK_COLUMNS} FROM room_links WHERE room_id = ? ORDER BY rowid DESC`,
  revokeLink: 'UPDATE room_links SET revoked_at = ? WHERE room_id = ? AND id = ? AND revoked_at IS NULL',
  countOwnedBy: 'SELECT count(*) AS n FROM room_access WHERE owner_user_id = ?',
  roomsOfFirst: `SELECT ${ROOMS_OF_COLUMNS} ${ROOMS_OF} ORDER BY r.updated_at DESC, r.id DESC LIMIT @limit`,
  roomsOfAfter: `SELECT ${ROOMS_OF_COLUMNS} ${ROOMS_OF} AND (r.updated_at, r.id) < (@updatedAt, @id)
    ORDER BY r.updated_at DESC, r.id DESC LIMIT @limit`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

interface AccessRow {
  visibility: Visibility;
  ownerUserId: string | null;
  ownerKeyHash: string | null;
  aiCompletions: 0 | 1;
  runCode: 0 | 1;
  historyAccess: HistoryAccess;
}

type RoomOfUserRow = RoomRecord & AccessRow & { memberRole: RoomRole | null };

/** The AccessStore of the SQLite store, on the connection SqliteRoomStore owns. */
export class SqliteAccess implements AccessStore {
  private readonly stmt: Statements;

  constructor(db: Database.Database) {
    this.stmt = Object.fromEntries(Object.entries(SQL).map(([key, sql]) => [key, db.prepare(sql)])) as Statements;
  }

  async getAccess(roomId: string): Promise<RoomAccess | null> {
    const row = this.stmt.getAccess.get(roomId) as AccessRow | undefined;
    return row ? toAccess(row) : null;
  }

  async updateAccess(roomId: string, change: RoomAccessChange): Promise<boolean> {
    const aiCompletions = change.aiCompletions === undefined ? null : Number(change.aiCompletions);
    const runCode = change.runCode === undefined ? null : Number(change.runCode);
    const { visibility = null, historyAccess = null } = change;
    return this.stmt.updateAccess.run({ roomId, visibility, aiCompletions, runCode, historyAccess }).changes > 0;
  }

  async memberRole(roomId: string, userId: string): Promise<RoomRole | null> {
    return (this.stmt.memberRole.get(roomId, userId) as { role: RoomRole } | undefined)?.role ?? null;
  }

  async listMembers(roomId: string): Promise<MemberRecord[]> {
    return this.stmt.listMembers.all(roomId) as MemberRecord[];
  }

  async setMember(roomId: string, userId: string, role: RoomRole, at: number): Promise<boolean> {
    return this.stmt.setMember.run({ roomId, userId, role, at }).changes > 0;
  }

  async removeMember(roomId: string, userId: string): Promise<boolean> {
    return this.stmt.removeMember.run(roomId, userId).changes > 0;
  }

  async createLink(link: LinkRecord): Promise<boolean> {
    return this.stmt.createLink.run(link).changes > 0;
  }

  async findLink(roomId: string, tokenHash: string): Promise<LinkRecord | null> {
    return (this.stmt.findLink.get(roomId, tokenHash) as LinkRecord | undefined) ?? null;
  }

  async listLinks(roomId: string): Promise<LinkRecord[]> {
    return this.stmt.listLinks.all(roomId) as LinkRecord[];
  }

  async revokeLink(roomId: string, linkId: string, at: number): Promise<boolean> {
    return this.stmt.revokeLink.run(at, roomId, linkId).changes > 0;
  }

  async listRoomsOf(userId: string, limit: number, after: RoomCursor | null): Promise<ListPage<RoomOfUser>> {
    assertListLimit(limit);
    const rows = (
      after === null
        ? this.stmt.roomsOfFirst.all({ userId, limit: limit + 1 })
        : this.stmt.roomsOfAfter.all({ userId, updatedAt: after.updatedAt, id: after.id, limit: limit + 1 })
    ) as RoomOfUserRow[];
    return pageOfRows(rows.map(toRoomOfUser), limit);
  }

  async countRoomsOwnedBy(userId: string): Promise<number> {
    return (this.stmt.countOwnedBy.get(userId) as { n: number }).n;
  }
}

function toAccess(row: AccessRow): RoomAccess {
  const { visibility, ownerUserId, ownerKeyHash, aiCompletions, runCode, historyAccess } = row;
  return { visibility, ownerUserId, ownerKeyHash, aiCompletions: aiCompletions === 1, runCode: runCode === 1, historyAccess };
}

function toRoomOfUser(row: RoomOfUserRow): RoomOfUser {
  const { id, name, language, createdAt, updatedAt, memberRole } = row;
  return { id, name, language, createdAt, updatedAt, access: toAccess(row), memberRole };
}
