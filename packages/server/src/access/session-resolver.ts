import type { IncomingMessage } from 'node:http';
import { CLOSE_CODES, type RoomRole } from '@pairwise/protocol';
import { type AccountService, InvalidSessionError } from '../auth/accounts.js';
import type { GuestIdentities } from '../auth/guest-identity.js';
import { queryOf, socketCredentials, type RequestCredentials } from '../auth/request-credentials.js';
import { presenceOf } from './presence.js';
import type { RoomAccessControl } from './room-access.js';
import { type ConnectionSession, NO_ACCESS_REASON, type Principal, type SessionDecision, type SessionResolver } from './session.js';

export interface AccessSessionResolverOptions {
  accounts: AccountService;
  guests: GuestIdentities;
  access: RoomAccessControl;
}

/**
 * Decides who a WebSocket upgrade is (session cookie, `?token=` or `Authorization: Bearer`; else
 * the signed guest cookie, or a fresh guest) and its role in the room (owner key, membership,
 * share link, visibility). A token that does not check out is refused (4401) rather than
 * downgraded to a guest, so a signed-out client notices.
 */
export class AccessSessionResolver implements SessionResolver {
  constructor(private readonly options: AccessSessionResolverOptions) {}

  async resolve(request: IncomingMessage, roomId: string): Promise<SessionDecision> {
    const credentials = socketCredentials(request);
    const principal = await this.principalOf(credentials);
    if (principal === null) return { refuse: CLOSE_CODES.sessionEnded, reason: 'session not valid; sign in again' };
    const standing = await this.options.access.standing(roomId, principal, credentials.presented);
    // A room that does not exist is refused exactly like a private room's outsider, so a socket
    // cannot tell whether a private room exists. (4404 is only for a room deleted while in use.)
    const role = standing?.role ?? null;
    if (role === null) return { refuse: CLOSE_CODES.forbidden, reason: NO_ACCESS_REASON };
    const presence = presenceOf(principal, queryOf(request.url));
    return { session: { principal, presented: credentials.presented, role, presence } };
  }

  /** The connection's role now; null once it has none (or its sign-in session ended or expired). */
  async review(session: ConnectionSession, roomId: string): Promise<RoomRole | null> {
    const { principal } = session;
    if (principal.kind === 'user' && !(await this.options.accounts.isSessionLive(principal.sessionId, principal.userId))) return null;
    const standing = await this.options.access.standing(roomId, principal, session.presented);
    return standing?.role ?? null;
  }

  /** Null when a session token was presented and does not check out. */
  private async principalOf(credentials: RequestCredentials): Promise<Principal | null> {
    if (credentials.session === null) {
      const { guests } = this.options;
      return { kind: 'guest', guestId: guests.read(credentials.guestCookie) ?? guests.newGuestId() };
    }
    try {
      return await this.options.accounts.authenticate(credentials.session.token);
    } catch (err) {
      if (err instanceof InvalidSessionError) return null;
      throw err;
    }
  }
}
