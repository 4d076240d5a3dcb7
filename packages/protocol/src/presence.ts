import { z } from 'zod';

/**
 * The `user` field of an awareness state, as y-monaco and the stock y-websocket demos set it.
 * Anything else a client puts in its awareness state is relayed but not interpreted.
 */
export const presenceUserSchema = z.object({
  name: z.string().min(1).max(64),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
});

/** Awareness fields the web app sets besides `user`. */
export interface PresenceState {
  user?: { name: string; color: string };
  /** Epoch ms of the user's last keystroke, for the "typing…" hint. */
  typingAt?: number;
}
