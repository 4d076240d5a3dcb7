import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { type ChatMessage, chatMessageSchema, MESSAGE_CHAT } from '@pairwise/protocol';

/** The MESSAGE_CHAT frame for one message: its type, then the message as JSON (varString). Built once per room. */
export function chatFrame(message: ChatMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_CHAT);
  encoding.writeVarString(encoder, JSON.stringify(message));
  return encoding.toUint8Array(encoder);
}

/** The message of a MESSAGE_CHAT frame; null for any other frame or one that does not hold a valid message. */
export function readChatFrame(frame: Uint8Array): ChatMessage | null {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE_CHAT) return null;
    const parsed = chatMessageSchema.safeParse(JSON.parse(decoding.readVarString(decoder)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
