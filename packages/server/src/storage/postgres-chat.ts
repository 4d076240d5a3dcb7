import type { Pool } from 'pg';
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
import { runNamed } from './postgres-query.js';

const CHAT_COLUMNS = `seq, id, at, author_id AS "authorId", author_name AS "authorName", author_color AS "authorColor", text`;

const SQL = {
  // FOR KEY SHARE: a room deleted meanwhile cannot leave a message behind (the delete waits, then cascades).
  appendChat: `INSERT INTO room_chat (id, room_id, at, author_id, author_name, author_color, text)
    SELECT $1, r.id, $3, $4, $5, $6, $7 FROM (SELECT id FROM rooms WHERE id = $2 FOR KEY SHARE) r
    RETURNING seq`,
  chatNewest: `SELECT ${CHAT_COLUMNS} FROM room_chat WHERE room_id = $1 ORDER BY seq DESC LIMIT $2`,
  chatBefore: `SELECT ${CHAT_COLUMNS} FROM room_chat WHERE room_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
} as const;

/** bigint columns arrive as strings. */
type PostgresChatRow = Omit<ChatRow, 'seq' | 'at'> & { seq: string; at: string };

/** The ChatStore of the PostgreSQL store, on the pool PostgresRoomStore owns. */
export class PostgresChat implements ChatStore {
  constructor(private readonly pool: Pool) {}

  async appendChat(roomId: string, message: NewChatMessage): Promise<StoredChatMessage | null> {
    const { id, at, author, text } = message;
    const values = [id, roomId, at, author.id, author.name, author.color, text];
    const { rows } = await runNamed<{ seq: string }>(this.pool, 'chat_append', SQL.appendChat, values);
    const [row] = rows;
    return row ? { ...message, author: { ...author }, seq: Number(row.seq) } : null;
  }

  async listChat(roomId: string, before: number | null, limit: number): Promise<StoredChatPage> {
    assertListLimit(limit);
    const { rows } =
      before === null
        ? await runNamed<PostgresChatRow>(this.pool, 'chat_newest', SQL.chatNewest, [roomId, limit + 1])
        : await runNamed<PostgresChatRow>(this.pool, 'chat_before', SQL.chatBefore, [roomId, before, limit + 1]);
    return chatPageOfRows(
      rows.map((row) => chatMessageOfRow({ ...row, seq: Number(row.seq), at: Number(row.at) })),
      limit,
    );
  }
}
