/**
 * Which awareness client ids each connection speaks for. Awareness is trust-on-first-use: any client
 * could set or null another client's state with a higher clock (field notes: outline #13804,
 * hocuspocus #1095), so a connection may only touch ids it owns. The first connection to announce
 * an id owns it until it disconnects; then the id stays reserved for the same person (principal)
 * for a grace period, so another session cannot take over someone's cursor while they reconnect.
 */

export interface OwnershipLimits {
  /** Ids one connection may own; announcements of more are dropped. */
  readonly maxIdsPerConnection: number;
  /** How long an id freed by a disconnect stays reserved for its owner's principal. */
  readonly graceMs: number;
}

/** An id with a state to set (`removed: false`) or to remove (`removed: true`). */
export interface IdUse {
  clientId: number;
  removed: boolean;
}

interface Owned {
  readonly principal: string;
  /**
   * At most `maxIdsPerConnection` (4 by default), nearly always one. An array, not a Set, and
   * replaced rather than pushed to: a Set or a pushed-to array holds room for 4 or 17 (120-150 bytes
   * per connection, issue 9).
   */
  ids: readonly number[];
}

interface Reservation {
  readonly principal: string;
  readonly until: number;
}

export class AwarenessOwners<Connection> {
  private readonly owned = new Map<Connection, Owned>();
  private readonly ownerOf = new Map<number, Connection>();
  /** Made on the first disconnect and dropped when its last reservation expires: most rooms hold none. */
  private reserved: Map<number, Reservation> | null = null;
  private readonly maxIdsPerConnection: number;
  private readonly graceMs: number;

  constructor(
    limits: OwnershipLimits,
    private readonly now: () => number = Date.now,
  ) {
    // Two numbers, not a reference to a limits object of the room's own (issue 9: room memory).
    this.maxIdsPerConnection = limits.maxIdsPerConnection;
    this.graceMs = limits.graceMs;
  }

  connect(connection: Connection, principal: string): void {
    this.owned.set(connection, { principal, ids: [] });
  }

  /**
   * The ids among `uses` the connection may act on: those it owns, plus free ids it announces a state
   * for, which it claims (within its limit). Removing a state needs ownership; it never claims.
   */
  claim(connection: Connection, uses: readonly IdUse[]): Set<number> {
    const mine = this.owned.get(connection);
    const allowed = new Set<number>();
    if (!mine) return allowed;
    for (const { clientId, removed } of uses) {
      if (mine.ids.includes(clientId)) allowed.add(clientId);
      else if (!removed && this.mayTake(clientId, mine)) {
        mine.ids = mine.ids.concat(clientId);
        this.ownerOf.set(clientId, connection);
        this.reserved?.delete(clientId);
        allowed.add(clientId);
      }
    }
    return allowed;
  }

  /** Forgets the connection; returns the ids it owned, now reserved for its principal. */
  disconnect(connection: Connection): readonly number[] {
    const mine = this.owned.get(connection);
    if (!mine) return [];
    this.owned.delete(connection);
    this.dropExpiredReservations();
    if (mine.ids.length === 0) return [];
    const reservation: Reservation = { principal: mine.principal, until: this.now() + this.graceMs };
    this.reserved ??= new Map();
    for (const id of mine.ids) {
      this.ownerOf.delete(id);
      this.reserved.set(id, reservation);
    }
    return mine.ids;
  }

  private mayTake(clientId: number, mine: Owned): boolean {
    if (this.ownerOf.has(clientId) || mine.ids.length >= this.maxIdsPerConnection) return false;
    const reservation = this.reserved?.get(clientId);
    return reservation === undefined || reservation.principal === mine.principal || reservation.until <= this.now();
  }

  /** Reservations are dropped lazily, on each disconnect, so they never outlive a grace period by long. */
  private dropExpiredReservations(): void {
    if (this.reserved === null) return;
    const now = this.now();
    for (const [id, reservation] of this.reserved) {
      if (reservation.until <= now) this.reserved.delete(id);
    }
    if (this.reserved.size === 0) this.reserved = null;
  }
}
