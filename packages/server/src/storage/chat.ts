import type { HistoryAuthor } from '@pairwise/protocol';

/** A chat message as stored: `at` in epoch milliseconds; the author comes from the poster's session. */
export interface StoredChatMessage {
  id: string;
  /** Increasing within the room (one sequence for every room): the page cursor and the display order. */
  seq: number;
  at: number;
  author: HistoryAuthor;
  text: string;
}

export type NewChatMessage = Omit<StoredChatMessage, 'seq'>;

export interface StoredChatPage {
  /** Oldest first. */
  messages: StoredChatMessage[];
  /** Whether messages older than the first on this page exist. */
  hasOlder: boolean;
}

/** A room's chat, kept with the room and deleted with it (a room re-created under the id starts with none). */
export interface ChatStore {
  /** Appends the message and returns it with its seq; null if the room does not exist. */
  appendChat(roomId: string, message: NewChatMessage): Promise<StoredChatMessage | null>;
  /**
   * The newest `limit` messages with a seq below `before` (all when null), oldest first. An unknown
   * room has none. `limit` must be a positive integer (RangeError otherwise).
   */
  listChat(roomId: string, before: number | null, limit: number): Promise<StoredChatPage>;
}

/** The page of a query that fetched `limit + 1` rows newest first: the extra row only tells whether older ones exist. */
export function chatPageOfRows(newestFirst: readonly StoredChatMessage[], limit: number): StoredChatPage {
  return { messages: newestFirst.slice(0, limit).reverse(), hasOlder: newestFirst.length > limit };
}

/** A room_chat row as the SQL stores select it (PostgreSQL's bigints converted first). */
export interface ChatRow {
  seq: number;
  id: string;
  at: number;
  authorId: string;
  authorName: string;
  authorColor: string;
  text: string;
}

export function chatMessageOfRow(row: ChatRow): StoredChatMessage {
  const { seq, id, at, authorId, authorName, authorColor, text } = row;
  return { id, seq, at, author: { id: authorId, name: authorName, color: authorColor }, text };
}
