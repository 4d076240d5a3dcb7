import type { Pool, QueryResultRow } from 'pg';
import { type AccountStore, type SessionRecord, type UserRecord, UsernameTakenError } from './accounts.js';
import { epochOrNull, type Queryable, runNamed } from './postgres-query.js';

const USER_COLUMNS = 'id, username, password_hash AS "passwordHash", created_at AS "createdAt"';
const SESSION_COLUMNS = 'id, user_id AS "userId", created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"';

const SQL = {
  // The conflict target is the username alone: a clash of ids is a bug and must fail loudly.
  insertUser: `INSERT INTO users (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT ((lower(username))) DO NOTHING`,
  userByName: `SELECT ${USER_COLUMNS} FROM users WHERE lower(username) = lower($1)`,
  userById: `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
  insertSession: 'INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5)',
  sessionById: `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`,
  revokeSession: 'UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
  insertSecret: 'INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
  secretByName: 'SELECT value FROM secrets WHERE name = $1',
} as const;

/** bigint columns arrive as strings. */
interface UserRow {
  id: string;
  username: string;
  passwordHash: string;
  createdAt: string;
}

interface SessionRow {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

/** The AccountStore of the PostgreSQL store, on PostgresRoomStore's pool. */
export class PostgresAccounts implements AccountStore {
  constructor(private readonly pool: Pool) {}

  async createUser(user: UserRecord): Promise<void> {
    const values = [user.id, user.username, user.passwordHash, user.createdAt];
    const inserted = await run(this.pool, 'insertUser', values);
    if (inserted.rowCount === 0) throw new UsernameTakenError(user.username);
  }

  async findUserByName(username: string): Promise<UserRecord | null> {
    const { rows } = await run<UserRow>(this.pool, 'userByName', [username]);
    return rows[0] ? toUserRecord(rows[0]) : null;
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const { rows } = await run<UserRow>(this.pool, 'userById', [id]);
    return rows[0] ? toUserRecord(rows[0]) : null;
  }

  async createSession(session: SessionRecord): Promise<void> {
    const values = [session.id, session.userId, session.createdAt, session.expiresAt, session.revokedAt];
    await run(this.pool, 'insertSession', values);
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const { rows } = await run<SessionRow>(this.pool, 'sessionById', [id]);
    return rows[0] ? toSessionRecord(rows[0]) : null;
  }

  async revokeSession(id: string, at: number): Promise<boolean> {
    return ((await run(this.pool, 'revokeSession', [id, at])).rowCount ?? 0) > 0;
  }

  async ensureSecret(name: string, value: string): Promise<string> {
    // Two statements on purpose: the read takes a fresh snapshot, so it sees the row of another
    // instance whose insert won the conflict (one statement's snapshot would predate it).
    await run(this.pool, 'insertSecret', [name, value]);
    const { rows } = await run<{ value: string }>(this.pool, 'secretByName', [name]);
    const stored = rows[0];
    if (stored === undefined) throw new Error(`secret ${name} vanished after it was stored`);
    return stored.value;
  }
}

function run<Row extends QueryResultRow = QueryResultRow>(db: Queryable, name: keyof typeof SQL, values: unknown[]) {
  return runNamed<Row>(db, `accounts_${name}`, SQL[name], values);
}

function toUserRecord(row: UserRow): UserRecord {
  return { id: row.id, username: row.username, passwordHash: row.passwordHash, createdAt: Number(row.createdAt) };
}

function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.userId,
    createdAt: Number(row.createdAt),
    expiresAt: Number(row.expiresAt),
    revokedAt: epochOrNull(row.revokedAt),
  };
}
