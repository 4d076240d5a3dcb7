import { type HistoryAuthor, SERVER_AUTHOR_ID } from '@pairwise/protocol';
import { type ConnectionSession, type Principal, principalKey } from '../access/session.js';
import { SERVER_ORIGIN } from './room-contract.js';
import type { Room } from './room.js';

/** Changes the server makes on its own (line endings fixed at load, settings from the rooms API). */
export const SERVER_AUTHOR: HistoryAuthor = { id: SERVER_AUTHOR_ID, name: 'Pairwise', color: '#6b7280' };

/**
 * Transaction origin of a change the server makes on someone's behalf (restoring a version): the
 * history names that person, taken from their session like a socket's edits.
 */
export class OnBehalfOf {
  constructor(readonly author: HistoryAuthor) {}
}

/**
 * Each session's author, made once: every edit asks for it, and a new object (and id string) per
 * keystroke lived in the group commit's queue for its window, past a scavenge (issue 9).
 */
const authorsOfSessions = new WeakMap<ConnectionSession, Readonly<HistoryAuthor>>();

/** Who a session is in the history: stable per person, named and coloured as the room shows them. */
export function authorOfSession(session: ConnectionSession): Readonly<HistoryAuthor> {
  const known = authorsOfSessions.get(session);
  if (known?.name === session.presence.name && known.color === session.presence.color) return known;
  const author = { id: principalKey(session.principal), name: session.presence.name, color: session.presence.color };
  authorsOfSessions.set(session, author);
  return author;
}

/**
 * Who a principal is in `room` as the others see them now: the name and colour of their open
 * connection to it (a guest names itself when it connects). Null without one on this instance, or
 * when the room is not loaded here.
 */
export function connectedAuthor(room: Room | undefined, principal: Principal): HistoryAuthor | null {
  const key = principalKey(principal);
  const connected = room?.connections().find(([, session]) => principalKey(session.principal) === key);
  return connected ? authorOfSession(connected[1]) : null;
}

/**
 * The author of a change from its transaction origin: a socket's session, the person a server change
 * was made for, or the server. Null for an origin the room does not know (a socket already gone).
 */
export function authorOfOrigin(origin: unknown, sessionOf: (socket: unknown) => ConnectionSession | undefined): HistoryAuthor | null {
  if (origin === SERVER_ORIGIN) return SERVER_AUTHOR;
  if (origin instanceof OnBehalfOf) return origin.author;
  const session = sessionOf(origin);
  return session ? authorOfSession(session) : null;
}
