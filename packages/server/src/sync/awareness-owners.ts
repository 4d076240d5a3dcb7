/**
 * Which awareness client ids each connection speaks for. Awareness is trust-on-first-use: any client
 * could set or null another client's state with a higher clock (field notes: outline #13804,
 * hocuspocus #1095), so a connection may only touch ids it owns. The first connection to announce
 * an id owns it until it disconnects; then the id stays reserved for the same person (principal)
 * for a grace period, so another session cannot take over someone's cursor while they reconnect.
 */

export interface OwnershipLimits {
  /** Ids one connection may own; announcements of more are dropped. */
  maxIdsPerConnection: number;
  /** How long an id freed by a disconnect stays reserved for its owner's principal. */
  graceMs: number;
}

/** An id with a state to set (`removed: false`) or to remove (`removed: true`). */
export interface IdUse {
  clientId: number;
  removed: boolean;
}

interface Owned {
  readonly principal: string;
  readonly ids: Set<number>;
}

interface Reservation {
  readonly principal: string;
  readonly until: number;
}

export class AwarenessOwners<Connection> {
  private readonly owned = new Map<Connection, Owned>();
  private readonly ownerOf = new Map<number, Connection>();
  private readonly reserved = new Map<number, Reservation>();

  constructor(
    private readonly limits: OwnershipLimits,
    private readonly now: () => number = Date.now,
  ) {}

  connect(connection: Connection, principal: string): void {
    this.owned.set(connection, { principal, ids: new Set() });
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
      if (mine.ids.has(clientId)) allowed.add(clientId);
      else if (!removed && this.mayTake(clientId, mine)) {
        mine.ids.add(clientId);
        this.ownerOf.set(clientId, connection);
        this.reserved.delete(clientId);
        allowed.add(clientId);
      }
    }
    return allowed;
  }

  /** Forgets the connection; returns the ids it owned, now reserved for its principal. */
  disconnect(connection: Connection): number[] {
    const mine = this.owned.get(connection);
    if (!mine) return [];
    this.owned.delete(connection);
    this.dropExpiredReservations();
    const reservation: Reservation = { principal: mine.principal, until: this.now() + this.limits.graceMs };
    for (const id of mine.ids) {
      this.ownerOf.delete(id);
      this.reserved.set(id, reservation);
    }
    return [...mine.ids];
  }

  private mayTake(clientId: number, mine: Owned): boolean {
    if (this.ownerOf.has(clientId) || mine.ids.size >= this.limits.maxIdsPerConnection) return false;
    const reservation = this.reserved.get(clientId);
    return reservation === undefined || reservation.principal === mine.principal || reservation.until <= this.now();
  }

  /** Reservations are dropped lazily, on each disconnect, so they never outlive a grace period by long. */
  private dropExpiredReservations(): void {
    const now = this.now();
    for (const [id, reservation] of this.reserved) {
      if (reservation.until <= now) this.reserved.delete(id);
    }
  }
}
