import type Database from 'better-sqlite3';
import {
  type ChatRow,
  type ChatStore,
  chatMessageOfRow,
  chatPageOfRows,
  type NewChatMessage,
  type StoredChatMessage,
  type StoredChatPage,
} from './chat.js';
import { assertListLimit } from './list-page.js';

const CHAT_COLUMNS = `seq, id, at, author_id AS authorId, author_name AS authorName, author_color AS authorColor, text`;

const SQL = {
  // Inserts nothing when the room is missing.
  appendChat: `INSERT INTO room_chat (id, room_id, at, author_id, author_name, author_color, text)
    SELECT @id, @roomId, @at, @authorId, @authorName, @authorColor, @text WHERE EXISTS (SELECT 1 FROM rooms WHERE id = @roomId)
    RETURNING seq`,
  chatNewest: `SELECT ${CHAT_COLUMNS} FROM room_chat WHERE room_id = ? ORDER BY seq DESC LIMIT ?`,
  chatBefore: `SELECT ${CHAT_COLUMNS} FROM room_chat WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

/** The ChatStore of the SQLite store, on the connection SqliteRoomStore owns. */
export class SqliteChat implements ChatStore {
  private readonly stmt: Statements;

  constructor(db: Database.Database) {
    this.stmt = Object.fromEntries(Object.entries(SQL).map(([key, sql]) => [key, db.prepare(sql)])) as Statements;
  }

  async appendChat(roomId: string, message: NewChatMessage): Promise<StoredChatMessage | null> {
    const { id, at, author, text } = message;
    const params = { id, roomId, at, authorId: author.id, authorName: author.name, authorColor: author.color, text };
    const row = this.stmt.appendChat.get(params) as { seq: number } | undefined;
    return row ? { ...message, author: { ...author }, seq: row.seq } : null;
  }

  async listChat(roomId: string, before: number | null, limit: number): Promise<StoredChatPage> {
    assertListLimit(limit);
    const rows = (
      before === null ? this.stmt.chatNewest.all(roomId, limit + 1) : this.stmt.chatBefore.all(roomId, before, limit + 1)
    ) as ChatRow[];
    return chatPageOfRows(rows.map(chatMessageOfRow), limit);
  }
}
