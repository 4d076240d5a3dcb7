import { presenceUserSchema } from '@pairwise/protocol';
import { isRecord } from './storage';

/** How long after a keystroke someone still shows as "typing…". */
export const TYPING_WINDOW_MS = 2000;
/** Clocks differ between machines; a typingAt this far in the future is treated as bogus. */
const MAX_CLOCK_SKEW_MS = 5000;

export interface Participant {
  clientId: number;
  name: string;
  color: string;
  isSelf: boolean;
  typing: boolean;
}

export function isTyping(typingAt: unknown, now: number): boolean {
  if (typeof typingAt !== 'number' || !Number.isFinite(typingAt)) return false;
  const age = now - typingAt;
  return age < TYPING_WINDOW_MS && age > -MAX_CLOCK_SKEW_MS;
}

/**
 * The people in a room, from raw awareness states. States come from other browsers and are
 * untrusted: anything without a valid `user` (the protocol's schema) is left out.
 * You first, then everyone else by name so the list does not jump around.
 */
export function participantsFromStates(states: ReadonlyMap<number, unknown>, selfId: number, now: number): Participant[] {
  const people: Participant[] = [];
  for (const [clientId, state] of states) {
    if (!isRecord(state)) continue;
    const user = presenceUserSchema.safeParse(state.user);
    if (!user.success) continue;
    people.push({
      clientId,
      name: user.data.name,
      color: user.data.color.toLowerCase(),
      isSelf: clientId === selfId,
      typing: isTyping(state.typingAt, now),
    });
  }
  return people.sort((a, b) => {
    if (a.isSelf !== b.isSelf) return a.isSelf ? -1 : 1;
    return a.name.localeCompare(b.name) || a.clientId - b.clientId;
  });
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? '?';
  const second = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + second).toUpperCase();
}
