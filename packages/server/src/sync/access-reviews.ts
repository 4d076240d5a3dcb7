import type { Logger } from 'pino';
import { CLOSE_CODES, roleAtLeast, type RoomRole } from '@pairwise/protocol';
import type { AccessEvents, ConnectionSession, SessionResolver } from '../access/session.js';
import type { Room, SyncSocket } from './room.js';

/**
 * An upgrade between asking who it is and joining its room. Resolving a session and loading a room
 * take time; an access change or a logout meanwhile must still reach the connection.
 */
export interface Admission {
  readonly roomId: string;
  accessChanged: boolean;
  readonly endedSessions: Set<string>;
}

/** The rooms in memory, as the room registry holds them. */
export interface LoadedRooms {
  loaded(roomId: string): Room | undefined;
  loadedRooms(): Iterable<Room>;
}

/**
 * Carries access changes to open connections at once, not at their next reconnect (field notes:
 * hocuspocus #752): a changed room's connections are reviewed, and an ended sign-in session's
 * connections close with 4401. A review that finds no role left closes with 4403. One that finds a
 * lower role (editor or owner to viewer, owner to editor) closes with `roleChanged` (4100): kept open,
 * the client would go on typing into writes the room drops, unaware until it next asked for its role;
 * the close makes it reconnect and re-read its role now (an editor's unsent edits go out again; a
 * former owner stops offering owner controls). A higher or equal role applies to the next frame.
 */
export class AccessReviews implements AccessEvents {
  private readonly admissions = new Set<Admission>();
  /** The ticket of each session's latest review: an older answer arriving later is dropped. */
  private readonly latestReview = new WeakMap<ConnectionSession, number>();
  private tickets = 0;

  constructor(
    private readonly sessions: SessionResolver,
    private readonly rooms: LoadedRooms,
    private readonly log: Logger,
  ) {}

  accessChanged(roomId: string): void {
    for (const admission of this.admissions) {
      if (admission.roomId === roomId) admission.accessChanged = true;
    }
    const room = this.rooms.loaded(roomId);
    if (!room) return;
    for (const [socket, session] of room.connections()) void this.review(room, socket, session);
  }

  sessionEnded(sessionId: string): void {
    for (const admission of this.admissions) admission.endedSessions.add(sessionId);
    for (const room of this.rooms.loadedRooms()) {
      for (const [socket, session] of room.connections()) {
        if (signInSessionOf(session) === sessionId) room.disconnect(socket, CLOSE_CODES.sessionEnded, 'session ended');
      }
    }
  }

  /** Call before resolving an upgrade's session; end it with `joined` or `abandon`. */
  admit(roomId: string): Admission {
    const admission: Admission = { roomId, accessChanged: false, endedSessions: new Set() };
    this.admissions.add(admission);
    return admission;
  }

  /** The upgrade's socket joined `room`: applies what changed while it was being admitted. */
  joined(admission: Admission, room: Room, socket: SyncSocket, session: ConnectionSession): void {
    this.abandon(admission);
    const signInSession = signInSessionOf(session);
    if (signInSession !== null && admission.endedSessions.has(signInSession)) {
      room.disconnect(socket, CLOSE_CODES.sessionEnded, 'session ended');
    } else if (admission.accessChanged) {
      void this.review(room, socket, session);
    }
  }

  abandon(admission: Admission): void {
    this.admissions.delete(admission);
  }

  private async review(room: Room, socket: SyncSocket, session: ConnectionSession): Promise<void> {
    const ticket = ++this.tickets;
    this.latestReview.set(session, ticket);
    let role: RoomRole | null;
    try {
      role = await this.sessions.review(session, room.id);
    } catch (err) {
      if (this.latestReview.get(session) !== ticket) return;
      // Its role is unknown now: the client reconnects and is decided afresh.
      this.log.error({ err, roomId: room.id }, 'reviewing a connection failed; closing it');
      room.disconnect(socket, CLOSE_CODES.internalError, 'access check failed');
      return;
    }
    if (this.latestReview.get(session) !== ticket) return;
    if (role === null) room.disconnect(socket, CLOSE_CODES.forbidden, 'access revoked');
    else if (!roleAtLeast(role, session.role)) room.disconnect(socket, CLOSE_CODES.roleChanged, 'role changed');
    else room.changeRole(socket, role);
  }
}

function signInSessionOf(session: ConnectionSession): string | null {
  return session.principal.kind === 'user' ? session.principal.sessionId : null;
}
