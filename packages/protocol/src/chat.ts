import { z } from 'zod';
import { CHAT_TEXT_MAX, type ChatMessage } from './history.js';

/**
 * A chat message as the server sends it (MESSAGE_CHAT, the room bus), checked by whoever receives it.
 * Names and colours are bounded like presence; ids like the principal keys they are.
 */
export const chatMessageSchema = z.strictObject({
  id: z.string().min(1).max(100),
  seq: z.number().int().positive(),
  at: z.iso.datetime({ offset: true }),
  author: z.strictObject({
    id: z.string().min(1).max(200),
    name: z.string().min(1).max(64),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  }),
  text: z.string().min(1).max(CHAT_TEXT_MAX),
}) satisfies z.ZodType<ChatMessage>;
