import { assertListLimit } from './list-page.js';
import { type ChatStore, chatPageOfRows, type NewChatMessage, type StoredChatMessage, type StoredChatPage } from './chat.js';

/**
 * The chat of MemoryRoomStore. The room store tells it which rooms exist (`roomExists`) and calls
 * `deleteRoom` as a room goes, as the SQL stores' cascades do.
 */
export class MemoryChat implements ChatStore {
  private readonly rooms = new Map<string, StoredChatMessage[]>();
  // One sequence for every room, like the SQL stores'.
  private lastSeq = 0;

  constructor(private readonly roomExists: (roomId: string) => boolean) {}

  async appendChat(roomId: string, message: NewChatMessage): Promise<StoredChatMessage | null> {
    if (!this.roomExists(roomId)) return null;
    const stored = { ...message, author: { ...message.author }, seq: ++this.lastSeq };
    const log = this.rooms.get(roomId) ?? [];
    log.push(stored);
    this.rooms.set(roomId, log);
    return copy(stored);
  }

  async listChat(roomId: string, before: number | null, limit: number): Promise<StoredChatPage> {
    assertListLimit(limit);
    const log = this.rooms.get(roomId) ?? [];
    const older = before === null ? log : log.filter((message) => message.seq < before);
    return chatPageOfRows(
      older
        .slice(-(limit + 1))
        .reverse()
        .map(copy),
      limit,
    );
  }

  deleteRoom(roomId: string): void {
    this.rooms.delete(roomId);
  }
}

function copy(message: StoredChatMessage): StoredChatMessage {
  return { ...message, author: { ...message.author } };
}
