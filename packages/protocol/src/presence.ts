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

/** Saturated enough to read as a cursor on both themes, distinct enough to tell five people apart. */
export const PRESENCE_COLORS = [
  '#e5484d',
  '#f76b15',
  '#e2a336',
  '#30a46c',
  '#12a594',
  '#0090ff',
  '#3e63dd',
  '#6e56cf',
  '#ab4aba',
  '#d6409f',
  '#8e4ec6',
  '#46a758',
] as const;
