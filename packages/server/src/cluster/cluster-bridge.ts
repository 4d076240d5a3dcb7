/**
 * One instance's side of the room bus: a link for every loaded room, short joins to tell the
 * instances holding a room this one has not loaded (access changes, deletions), and one cluster
 * channel for what concerns every room (a sign-in session ending). What it hears is carried out
 * through RoomLinkActions, which never publish, so no event goes round in a loop.
 */
import type { Room } from '../sync/room.js';
import type { ControlEvent, RoomBus, RoomBusHandlers, RoomSubscription } from './room-bus.js';
import { RoomLink, type RoomLinkActions, type RoomLinkTiming } from './room-link.js';

/** The bus "room" every instance joins for cluster-wide events; room ids are base64url, so it never clashes. */
export const CLUSTER_CHANNEL = '*cluster';

export interface ClusterActions extends RoomLinkActions {
  /** Close this instance's connections of a sign-in session that ended on another instance. */
  sessionEnded(sessionId: string): void;
}

const IGNORE_ALL: RoomBusHandlers = { update: () => {}, awareness: () => {}, control: () => {}, gap: () => {} };

export class ClusterBridge {
  private readonly links = new Map<Room, RoomLink>();
  private readonly joined = new Map<string, RoomSubscription>();
  /** Joins and leaves of one room run one at a time: the bus allows one join per room. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly cluster: Promise<RoomSubscription>;

  constructor(
    private readonly bus: RoomBus,
    private readonly actions: ClusterActions,
    private readonly timing: RoomLinkTiming,
  ) {
    this.cluster = this.serially(CLUSTER_CHANNEL, () =>
      bus.join(CLUSTER_CHANNEL, {
        ...IGNORE_ALL,
        control: (event) => {
          if (event.type === 'session-ended') actions.sessionEnded(event.sessionId);
        },
      }),
    );
    this.cluster.catch((error: unknown) => actions.onError(error, CLUSTER_CHANNEL));
  }

  /** Joins a room just loaded here; resolves once it hears the other instances. */
  async link(room: Room, incarnation: string): Promise<RoomLink> {
    const link = await this.serially(room.id, () =>
      RoomLink.open(
        async (handlers) => {
          const subscription = await this.bus.join(room.id, handlers);
          this.joined.set(room.id, subscription);
          return subscription;
        },
        room,
        incarnation,
        this.actions,
        this.timing,
      ),
    );
    this.links.set(room, link);
    return link;
  }

  /** Leaves the room's bus as it unloads; `keepCopies: false` when it was deleted (see RoomLink.close). */
  /**
   * Resolves once the other instances' edits the room holds are stored (at once for a room without a
   * link), or after `waitMs` at most: while someone types on another instance, new ones keep coming.
   */
  async peerEditsStored(room: Room, waitMs: number): Promise<void> {
    const stored = this.links.get(room)?.peerEditsStored();
    if (!stored) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    });
    await Promise.race([stored, waited]).finally(() => clearTimeout(timer));
  }

  unlink(room: Room, { keepCopies }: { keepCopies: boolean }): void {
    const link = this.links.get(room);
    if (!link) return;
    this.links.delete(room);
    this.serially(room.id, async () => {
      this.joined.delete(room.id);
      await link.close({ keepCopies });
    }).catch((error: unknown) => this.actions.onError(error, room.id));
  }

  /** Tells every instance holding the room, whether or not this one holds it. */
  publishToRoom(roomId: string, event: ControlEvent): void {
    this.serially(roomId, async () => {
      const joined = this.joined.get(roomId);
      if (joined) return joined.publishControl(event);
      const brief = await this.bus.join(roomId, IGNORE_ALL);
      try {
        await brief.publishControl(event);
      } finally {
        await brief.leave();
      }
    }).catch((error: unknown) => this.actions.onError(error, roomId));
  }

  sessionEnded(sessionId: string): void {
    this.cluster
      .then((channel) => channel.publishControl({ type: 'session-ended', sessionId }))
      .catch((error: unknown) => this.actions.onError(error, CLUSTER_CHANNEL));
  }

  private serially<T>(roomId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(roomId) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.then(
      () => {},
      () => {},
    );
    this.queues.set(roomId, settled);
    void settled.then(() => {
      if (this.queues.get(roomId) === settled) this.queues.delete(roomId);
    });
    return next;
  }
}
