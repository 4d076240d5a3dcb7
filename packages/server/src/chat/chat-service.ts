import { randomUUID } from 'node:crypto';
import type { ChatMessage, ChatPage, HistoryAuthor } from '@pairwise/protocol';
import { presenceOf } from '../access/presence.js';
import { principalKey, type Principal } from '../access/session.js';
import { KeyedRate, type RateDecision } from '../limits/keyed-rate.js';
import type { ChatStore, StoredChatMessage } from '../storage/chat.js';
import { connectedAuthor } from '../sync/history-authors.js';
import type { Room } from '../sync/room.js';

/** A person's allowance of chat messages in a room (CHAT_MESSAGE_BURST) refills evenly over this long. */
export const CHAT_RATE_WINDOW_MS = 10_000;

export interface ChatServiceOptions {
  store: ChatStore;
  /** The room if it is loaded on this instance (never loads): where a guest's presence is found. */
  loaded: (roomId: string) => Room | undefined;
  /** Tells everyone in the room, on every instance, about a message just stored. */
  deliver: (roomId: string, message: ChatMessage) => void;
  /** Epoch milliseconds; Date.now when omitted. */
  now?: () => number;
  /** Messages one person may post in one room in a burst (CHAT_MESSAGE_BURST), refilled over CHAT_RATE_WINDOW_MS. */
  burst: number;
}

/** Why a message was not stored. */
export type ChatRefusal = { refused: 'room_not_found' } | { refused: 'rate_limited'; retryAfterSeconds: number };

/**
 * The chat of each room: stored with the room, then sent at once to everyone in it. The author is
 * who the session says (the room checked the role before); the text is already validated.
 */
export class ChatService {
  private readonly posts: KeyedRate;
  private readonly now: () => number;

  constructor(private readonly options: ChatServiceOptions) {
    this.posts = new KeyedRate(options.burst, CHAT_RATE_WINDOW_MS);
    this.now = options.now ?? (() => Date.now());
  }

  async post(roomId: string, principal: Principal, text: string): Promise<ChatMessage | ChatRefusal> {
    const allowance: RateDecision = this.posts.take(`${principalKey(principal)} ${roomId}`, performance.now());
    if (!allowance.allowed) return { refused: 'rate_limited', retryAfterSeconds: allowance.retryAfterSeconds };
    const stored = await this.options.store.appendChat(roomId, {
      id: randomUUID(),
      at: this.now(),
      author: this.authorOf(roomId, principal),
      text,
    });
    if (stored === null) return { refused: 'room_not_found' };
    const message = toChatMessage(stored);
    this.options.deliver(roomId, message);
    return message;
  }

  /** The newest `limit` messages before seq `before` (the newest of all when null), oldest first. */
  async page(roomId: string, before: number | null, limit: number): Promise<ChatPage> {
    const { messages, hasOlder } = await this.options.store.listChat(roomId, before, limit);
    const oldest = messages[0];
    return { messages: messages.map(toChatMessage), nextBefore: hasOlder && oldest ? oldest.seq : null };
  }

  /**
   * A signed-in user by their username and colour; a guest as the room shows them (the name and colour
   * of their open connection to it on this instance), else as a guest without a chosen name.
   */
  private authorOf(roomId: string, principal: Principal): HistoryAuthor {
    const connected = connectedAuthor(this.options.loaded(roomId), principal);
    if (connected) return connected;
    const { name, color } = presenceOf(principal, new URLSearchParams());
    return { id: principalKey(principal), name, color };
  }
}

export function isChatRefusal(result: ChatMessage | ChatRefusal): result is ChatRefusal {
  return 'refused' in result;
}

function toChatMessage(stored: StoredChatMessage): ChatMessage {
  const { id, seq, at, author, text } = stored;
  return { id, seq, at: new Date(at).toISOString(), author, text };
}
