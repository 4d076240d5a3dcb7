import { type AccountStore, type SessionRecord, type UserRecord, UsernameTakenError } from './accounts.js';

/** The in-memory AccountStore (tests); MemoryRoomStore exposes it as part of its Store. Copies in and out. */
export class MemoryAccounts implements AccountStore {
  private readonly users = new Map<string, UserRecord>();
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly secrets = new Map<string, string>();

  async createUser(user: UserRecord): Promise<void> {
    if (this.findByName(user.username)) throw new UsernameTakenError(user.username);
    this.users.set(user.id, { ...user });
  }

  async findUserByName(username: string): Promise<UserRecord | null> {
    const user = this.findByName(username);
    return user ? { ...user } : null;
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const user = this.users.get(id);
    return user ? { ...user } : null;
  }

  /** Synchronous lookup for MemoryRoomStore's member listing. */
  usernameOf(id: string): string | undefined {
    return this.users.get(id)?.username;
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.sessions.set(session.id, { ...session });
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const session = this.sessions.get(id);
    return session ? { ...session } : null;
  }

  async revokeSession(id: string, at: number): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session || session.revokedAt !== null) return false;
    session.revokedAt = at;
    return true;
  }

  async ensureSecret(name: string, value: string): Promise<string> {
    const existing = this.secrets.get(name);
    if (existing !== undefined) return existing;
    this.secrets.set(name, value);
    return value;
  }

  // Case-insensitive, as the SQL stores' unique indexes are: 'Alice' is taken once 'alice' exists.
  private findByName(username: string): UserRecord | undefined {
    const wanted = username.toLowerCase();
    for (const user of this.users.values()) if (user.username.toLowerCase() === wanted) return user;
    return undefined;
  }
}
