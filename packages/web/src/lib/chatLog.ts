import * as decoding from 'lib0/decoding';
import { type ChatMessage, chatMessageSchema } from '@pairwise/protocol';

/** `existing` and `incoming` as one list by seq, each message once (a page and a live message may overlap). */
export function mergeChat(existing: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  const bySeq = new Map<number, ChatMessage>();
  for (const message of [...existing, ...incoming]) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The message of a MESSAGE_CHAT frame (after its type); null when it does not hold a valid one. */
export function readChatMessage(decoder: decoding.Decoder): ChatMessage | null {
  try {
    const parsed = chatMessageSchema.safeParse(JSON.parse(decoding.readVarString(decoder)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
