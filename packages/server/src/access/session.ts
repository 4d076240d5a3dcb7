import type { IncomingMessage } from 'node:http';
import type { RoomRole } from '@pairwise/protocol';

/**
 * Who is behind a request or a connection: a signed-in account, or a guest whose identity the
 * server issued (kept in a signed cookie, so a reconnecting guest is still the same guest; a client
 * without the cookie, such as a script, is a fresh guest per connection).
 */
export type Principal =
  | { kind: 'user'; userId: string; username: string /** The sign-in session (token) it came with; logout ends it. */; sessionId: string }
  | { kind: 'guest'; guestId: string };

/** A stable key for "the same person" across connections: `user:<id>` or `guest:<id>`. */
export function principalKey(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.userId}` : `guest:${principal.guestId}`;
}

/** Room credentials a connection presented besides who it is; kept so its role can be reviewed later. */
export interface PresentedCredentials {
  /** `?ownerKey=`: the guest creator's owner key. */
  ownerKey: string | null;
  /** `?link=`: a share link's token. */
  linkToken: string | null;
}

/** One connection's standing in one room, decided by the server when the socket opens. */
export interface ConnectionSession {
  principal: Principal;
  presented: PresentedCredentials;
  /** Changes when the access layer reviews it (see AccessEvents). */
  role: RoomRole;
  /** Shown to everyone in the room, whatever the client puts in its awareness state. */
  presence: { name: string; color: string; guest: boolean };
}

/**
 * The close reason for a room that does not exist and for one the caller has no role in: the same
 * words and code (4403), so a socket cannot tell whether a private room exists.
 */
export const NO_ACCESS_REASON = 'no such room, or no access to it';

/** What the upgrade decides: a session for the room, or the WebSocket close code that refuses it. */
export type SessionDecision = { session: ConnectionSession } | { refuse: number; reason: string };

/**
 * Decides who a WebSocket upgrade is and what role it has in the room (credentials: session cookie,
 * `?token=`, guest cookie, `?ownerKey=`, `?link=`). Lives in the access layer; the sync endpoint
 * only asks. Called before the room is loaded; a room that does not exist is refused like a room
 * the caller has no role in (4403, NO_ACCESS_REASON).
 */
export interface SessionResolver {
  resolve(request: IncomingMessage, roomId: string): Promise<SessionDecision>;
  /** The role an open connection has now, after access to its room changed; null when it has none. */
  review(session: ConnectionSession, roomId: string): Promise<RoomRole | null>;
}

/**
 * Re-decides the role of open connections after something changed who may do what: the access
 * layer calls these, the room registry (which owns the open connections) carries them out within
 * the same tick. A null role closes the connection with 4403; a lower role closes it with 4100
 * (`roleChanged`) so the client reconnects and learns it; a higher one applies to the next frame.
 */
export interface AccessEvents {
  /** Visibility, a member's role, a removed member or a revoked link changed for this room. */
  accessChanged(roomId: string): void;
  /** A sign-in session ended (logout or revocation): its connections close with 4401. */
  sessionEnded(sessionId: string): void;
}
