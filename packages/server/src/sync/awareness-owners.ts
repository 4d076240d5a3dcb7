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

/**
 * The ids one connection speaks for. The room keeps it with the connection and hands it back on
 * every awareness frame: the owners need no map from connections to their ids (a Map per room and
 * a lookup per cursor move, issue 9).
 */
export interface OwnedIds {
  readonly principal: string;
  /**
   * At most `maxIdsPerConnection` (4 by default), nearly always one. An array, not a Set, and
   * replaced rather than pushed to: a Set or a pushed-to array holds room for 4 or 17 (120-150 bytes
   * per connection, issue 9).
   */
  ids: readonly number[];
  /** False once disconnected: the handle then owns and claims nothing. */
  connected: boolean;
}

interface Reservation {
  readonly principal: string;
  readonly until: number;
}

export class AwarenessOwners {
  /** Ids some connected connection owns. */
  private readonly taken = new Set<number>();
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

  /** A new connection of `principal`, owning nothing yet; pass what it returns to `claim` and `disconnect`. */
  connect(principal: string): OwnedIds {
    return { principal, ids: [], connected: true };
  }

  /**
   * The ids among `uses` the connection may act on: those it owns, plus free ids it announces a state
   * for, which it claims (within its limit). Removing a state needs ownership; it never claims.
   */
  claim(mine: OwnedIds, uses: readonly IdUse[]): Set<number> {
    const allowed = new Set<number>();
    if (!mine.connected) return allowed;
    for (const { clientId, removed } of uses) {
      if (mine.ids.includes(clientId)) allowed.add(clientId);
      else if (!removed && this.mayTake(clientId, mine)) {
        mine.ids = mine.ids.concat(clientId);
        this.taken.add(clientId);
        this.reserved?.delete(clientId);
        allowed.add(clientId);
      }
    }
    return allowed;
  }

  /** Forgets the connection; returns the ids it owned, now reserved for its principal. */
  disconnect(mine: OwnedIds): readonly number[] {
    if (!mine.connected) return [];
    mine.connected = false;
    this.dropExpiredReservations();
    if (mine.ids.length === 0) return [];
    const reservation: Reservation = { principal: mine.principal, until: this.now() + this.graceMs };
    this.reserved ??= new Map();
    for (const id of mine.ids) {
      this.taken.delete(id);
      this.reserved.set(id, reservation);
    }
    return mine.ids;
  }

  private mayTake(clientId: number, mine: OwnedIds): boolean {
    if (this.taken.has(clientId) || mine.ids.length >= this.maxIdsPerConnection) return false;
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
