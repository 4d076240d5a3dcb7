import type Database from 'better-sqlite3';
import { type AccountStore, type SessionRecord, type UserRecord, UsernameTakenError } from './accounts.js';

const USER_COLUMNS = 'id, username, password_hash AS passwordHash, created_at AS createdAt';
const SESSION_COLUMNS = 'id, user_id AS userId, created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt';

const SQL = {
  // The conflict target is the username alone: a clash of ids is a bug and must fail loudly.
  insertUser: `INSERT INTO users (id, username, password_hash, created_at)
    VALUES (@id, @username, @passwordHash, @createdAt) ON CONFLICT (username) DO NOTHING`,
  userByName: `SELECT ${USER_COLUMNS} FROM users WHERE username = ?`,
  userById: `SELECT ${USER_COLUMNS} FROM users WHERE id = ?`,
  insertSession: `INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at)
    VALUES (@id, @userId, @createdAt, @expiresAt, @revokedAt)`,
  sessionById: `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`,
  revokeSession: 'UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  insertSecret: 'INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
  secretByName: 'SELECT value FROM secrets WHERE name = ?',
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

/** The AccountStore of the SQLite store, on the connection SqliteRoomStore owns. */
export class SqliteAccounts implements AccountStore {
  private readonly stmt: Statements;

  constructor(private readonly db: Database.Database) {
    this.stmt = Object.fromEntries(Object.entries(SQL).map(([key, sql]) => [key, db.prepare(sql)])) as Statements;
  }

  async createUser(user: UserRecord): Promise<void> {
    if (this.stmt.insertUser.run(user).changes === 0) throw new UsernameTakenError(user.username);
  }

  async findUserByName(username: string): Promise<UserRecord | null> {
    return (this.stmt.userByName.get(username) as UserRecord | undefined) ?? null;
  }

  async getUser(id: string): Promise<UserRecord | null> {
    return (this.stmt.userById.get(id) as UserRecord | undefined) ?? null;
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.stmt.insertSession.run(session);
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    return (this.stmt.sessionById.get(id) as SessionRecord | undefined) ?? null;
  }

  async revokeSession(id: string, at: number): Promise<boolean> {
    return this.stmt.revokeSession.run(at, id).changes > 0;
  }

  async ensureSecret(name: string, value: string): Promise<string> {
    // Immediate: the write lock makes insert-then-read one step against other processes too.
    return this.db
      .transaction(() => {
        this.stmt.insertSecret.run(name, value);
        return (this.stmt.secretByName.get(name) as { value: string }).value;
      })
      .immediate();
  }
}
