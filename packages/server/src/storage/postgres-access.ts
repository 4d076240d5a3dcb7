import type { RoomRole } from '@pairwise/protocol';
import type { Pool, QueryResultRow } from 'pg';
import type { AccessStore, LinkRecord, MemberRecord, RoomAccess, RoomAccessChange, RoomOfUser } from './access.js';
import { assertListLimit, pageOfRows } from './list-page.js';
import { epochOrNull, type Queryable, type RoomRow, runNamed, toRoomRecord } from './postgres-query.js';
import type { ListPage, RoomCursor } from './store.js';

const ROOM_COLUMNS = 'r.id, r.name, r.language, r.created_at AS "createdAt", r.updated_at AS "updatedAt"';
const LINK_COLUMNS = `id, room_id AS "roomId", token_hash AS "tokenHash", role, created_at AS "createdAt",
  expires_at AS "expiresAt", revoked_at AS "revokedAt"`;
// Rooms the user owns or is a member of, with their access and the user's membership; both branches have an index on the user.
const ROOMS_OF_COLUMNS = `${ROOM_COLUMNS}, a.visibility, a.owner_user_id AS "ownerUserId", a.owner_key_hash AS "ownerKeyHash",
  a.ai_completions AS "aiCompletions", a.run_code AS "runCode", a.history_access AS "historyAccess", m.role AS "memberRole"`;
const ROOMS_OF = `FROM rooms r JOIN room_access a ON a.room_id = r.id
  LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = $1
  WHERE r.id IN (
    SELECT room_id FROM room_access WHERE owner_user_id = $1
    UNION SELECT room_id FROM room_members WHERE user_id = $1)`;

const SQL = {
  getAccess: `SELECT visibility, owner_user_id AS "ownerUserId", owner_key_hash AS "ownerKeyHash", ai_completions AS "aiCompletions",
    run_code AS "runCode", history_access AS "historyAccess" FROM room_access WHERE room_id = $1`,
  updateAccess: `UPDATE room_access SET visibility = COALESCE($2, visibility), ai_completions = COALESCE($3, ai_completions),
    history_access = COALESCE($4, history_access), run_code = COALESCE($5, run_code) WHERE room_id = $1`,
  memberRole: 'SELECT role FROM room_members WHERE room_id = $1 AND user_id = $2',
  listMembers: `SELECT m.user_id AS "userId", u.username, m.role, m.added_at AS "addedAt"
    FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 ORDER BY m.seq`,
  // Inserts nothing when the room or the user is missing; a role change keeps added_at and the row's place.
  // FOR KEY SHARE: a room deleted meanwhile cannot leave a member row behind (the delete waits, then cascades).
  setMember: `INSERT INTO room_members (room_id, user_id, role, added_at)
    SELECT r.id, u.id, $3, $4 FROM (SELECT id FROM rooms WHERE id = $1 FOR KEY SHARE) r, users u WHERE u.id = $2
    ON CONFLICT (room_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
  removeMember: 'DELETE FROM room_members WHERE room_id = $1 AND user_id = $2',
  createLink: `INSERT INTO room_links (id, room_id, token_hash, role, created_at, expires_at, revoked_at)
    SELECT $1, r.id, $3, $4, $5, $6, $7 FROM (SELECT id FROM rooms WHERE id = $2 FOR KEY SHARE) r`,
  findLink: `SELECT ${LINK_COLUMNS} FROM room_links WHERE room_id = $1 AND token_hash = $2 ORDER BY seq LIMIT 1`,
  listLinks: `SELECT ${LINK_COLUMNS} FROM room_links WHERE room_id = $1 ORDER BY seq DESC`,
  revokeLink: 'UPDATE room_links SET revoked_at = $3 WHERE room_id = $1 AND id = $2 AND revoked_at IS NULL',
  countOwnedBy: 'SELECT count(*) AS n FROM room_access WHERE owner_user_id = $1',
  roomsOfFirst: `SELECT ${ROOMS_OF_COLUMNS} ${ROOMS_OF} ORDER BY r.updated_at DESC, r.id DESC LIMIT $2`,
  roomsOfAfter: `SELECT ${ROOMS_OF_COLUMNS} ${ROOMS_OF} AND (r.updated_at, r.id) < ($2, $3)
    ORDER BY r.updated_at DESC, r.id DESC LIMIT $4`,
} as const;

/** bigint columns arrive as strings. */
type RoomOfUserRow = RoomRow & RoomAccess & { memberRole: RoomRole | null };

interface MemberRow {
  userId: string;
  username: string;
  role: RoomRole;
  addedAt: string;
}

interface LinkRow {
  id: string;
  roomId: string;
  tokenHash: string;
  role: LinkRecord['role'];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** The AccessStore of the PostgreSQL store, on PostgresRoomStore's pool. */
export class PostgresAccess implements AccessStore {
  constructor(private readonly pool: Pool) {}

  async getAccess(roomId: string): Promise<RoomAccess | null> {
    const { rows } = await run<RoomAccess>(this.pool, 'getAccess', [roomId]);
    return rows[0] ?? null;
  }

  async updateAccess(roomId: string, change: RoomAccessChange): Promise<boolean> {
    const values = [roomId, change.visibility ?? null, change.aiCompletions ?? null, change.historyAccess ?? null, change.runCode ?? null];
    return changed(await run(this.pool, 'updateAccess', values));
  }

  async memberRole(roomId: string, userId: string): Promise<RoomRole | null> {
    const { rows } = await run<{ role: RoomRole }>(this.pool, 'memberRole', [roomId, userId]);
    return rows[0]?.role ?? null;
  }

  async listMembers(roomId: string): Promise<MemberRecord[]> {
    const { rows } = await run<MemberRow>(this.pool, 'listMembers', [roomId]);
    return rows.map((row) => ({ ...row, addedAt: Number(row.addedAt) }));
  }

  async setMember(roomId: string, userId: string, role: RoomRole, at: number): Promise<boolean> {
    return changed(await run(this.pool, 'setMember', [roomId, userId, role, at]));
  }

  async removeMember(roomId: string, userId: string): Promise<boolean> {
    return changed(await run(this.pool, 'removeMember', [roomId, userId]));
  }

  async createLink(link: LinkRecord): Promise<boolean> {
    const values = [link.id, link.roomId, link.tokenHash, link.role, link.createdAt, link.expiresAt, link.revokedAt];
    return changed(await run(this.pool, 'createLink', values));
  }

  async findLink(roomId: string, tokenHash: string): Promise<LinkRecord | null> {
    const { rows } = await run<LinkRow>(this.pool, 'findLink', [roomId, tokenHash]);
    return rows[0] ? toLinkRecord(rows[0]) : null;
  }

  async listLinks(roomId: string): Promise<LinkRecord[]> {
    const { rows } = await run<LinkRow>(this.pool, 'listLinks', [roomId]);
    return rows.map(toLinkRecord);
  }

  async revokeLink(roomId: string, linkId: string, at: number): Promise<boolean> {
    return changed(await run(this.pool, 'revokeLink', [roomId, linkId, at]));
  }

  async listRoomsOf(userId: string, limit: number, after: RoomCursor | null): Promise<ListPage<RoomOfUser>> {
    assertListLimit(limit);
    const { rows } =
      after === null
        ? await run<RoomOfUserRow>(this.pool, 'roomsOfFirst', [userId, limit + 1])
        : await run<RoomOfUserRow>(this.pool, 'roomsOfAfter', [userId, after.updatedAt, after.id, limit + 1]);
    return pageOfRows(rows.map(toRoomOfUser), limit);
  }

  async countRoomsOwnedBy(userId: string): Promise<number> {
    // count(*) is a bigint, which arrives as a string.
    const { rows } = await run<{ n: string }>(this.pool, 'countOwnedBy', [userId]);
    return Number(rows[0]?.n ?? 0);
  }
}

function run<Row extends QueryResultRow = QueryResultRow>(db: Queryable, name: keyof typeof SQL, values: unknown[]) {
  return runNamed<Row>(db, `access_${name}`, SQL[name], values);
}

function changed(result: { rowCount: number | null }): boolean {
  return (result.rowCount ?? 0) > 0;
}

function toLinkRecord(row: LinkRow): LinkRecord {
  return {
    ...row,
    createdAt: Number(row.createdAt),
    expiresAt: epochOrNull(row.expiresAt),
    revokedAt: epochOrNull(row.revokedAt),
  };
}

function toRoomOfUser(row: RoomOfUserRow): RoomOfUser {
  const { visibility, ownerUserId, ownerKeyHash, aiCompletions, runCode, historyAccess, memberRole } = row;
  return { ...toRoomRecord(row), access: { visibility, ownerUserId, ownerKeyHash, aiCompletions, runCode, historyAccess }, memberRole };
}
