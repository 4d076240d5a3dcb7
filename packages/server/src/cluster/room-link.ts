/**
 * The bridge between one loaded room and the room bus, so several instances serve one room.
 * Storage rule: an instance stores only the updates it accepted itself (from its clients or its own
 * server changes). Updates heard on the bus are applied with BUS_ORIGIN: relayed to local sockets,
 * never stored again and never published again. The accepting instance stores each update once;
 * loading merges every instance's writes (Yjs ignores what it already holds).
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { StoredDocument } from '../storage/store.js';
import type { Room } from '../sync/room.js';
import type { ControlEvent, RoomBusHandlers, RoomSubscription } from './room-bus.js';

/** Transaction and awareness origin of everything heard from other instances. */
export const BUS_ORIGIN = Symbol('pairwise-room-bus');

/** What a link asks of the registry holding its room; none of these publishes anything again. */
export interface RoomLinkActions {
  /** Review the room's open connections (an access change made on another instance). */
  accessChanged(roomId: string): void;
  /** Drop the room from memory, closing its sockets with 4404 (deleted on another instance). */
  evict(roomId: string): void;
  /** The room as stored now, to repair a gap in what the bus delivered. */
  loadStored(roomId: string): Promise<StoredDocument | null>;
  onError(error: unknown, roomId: string): void;
}

/** The origin y-protocols gives the removal of states that stopped renewing. */
const AWARENESS_TIMEOUT = 'timeout';

type Joiner = (handlers: RoomBusHandlers) => Promise<RoomSubscription>;

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

export class RoomLink {
  private subscription: RoomSubscription | null = null;

  private constructor(
    private readonly room: Room,
    readonly incarnation: string,
    private readonly actions: RoomLinkActions,
  ) {}

  /**
   * Joins the room's bus and asks the other instances for what storage did not have yet (edits they
   * accepted but have not stored): they answer a state vector with the updates it lacks.
   */
  static async open(join: Joiner, room: Room, incarnation: string, actions: RoomLinkActions): Promise<RoomLink> {
    const link = new RoomLink(room, incarnation, actions);
    link.subscription = await join(link.handlers);
    room.awareness.on('update', link.publishAwareness);
    link.requestMissing();
    return link;
  }

  /** An update this instance accepted (not one heard on the bus): the other instances must apply it. */
  publishUpdate(update: Uint8Array): void {
    this.subscription?.publishUpdate(update).catch(this.reportError);
  }

  async close(): Promise<void> {
    this.room.awareness.off('update', this.publishAwareness);
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.leave();
  }

  private readonly handlers: RoomBusHandlers = {
    update: (update) => {
      Y.applyUpdate(this.room.doc, update, BUS_ORIGIN);
      // A peer's server may have changed a key only servers write; its clients' changes to them never get here.
      this.room.adoptServerOnlyMeta();
    },
    awareness: (update) => awarenessProtocol.applyAwarenessUpdate(this.room.awareness, update, BUS_ORIGIN),
    control: (event) => this.receiveControl(event),
    gap: () => void this.resync().catch(this.reportError),
  };

  private receiveControl(event: ControlEvent): void {
    switch (event.type) {
      case 'state-vector':
        if (event.incarnation !== this.incarnation) return;
        this.answerStateVector(Buffer.from(event.vector, 'base64'));
        // A state vector comes from an instance that just loaded the room: it shows who is here at once.
        this.publishPresence();
        return;
      case 'room-deleted':
        // Only this life of the room: a room created again under the id stays open.
        if (event.incarnation === this.incarnation) this.actions.evict(this.room.id);
        return;
      case 'access-changed':
        this.actions.accessChanged(this.room.id);
        return;
      case 'session-ended':
        // Sign-in sessions end on the cluster channel (ClusterBridge), not per room.
        return;
      case 'settings-changed':
        // Settings live in the document's meta map: they arrive as updates.
        return;
    }
  }

  /** Publishes what the asker lacks; the whole delete set always goes along (deletions add no clock). */
  private answerStateVector(vector: Uint8Array): void {
    this.publishUpdate(Y.encodeStateAsUpdate(this.room.doc, vector));
  }

  private publishPresence(): void {
    const present = [...this.room.awareness.getStates().keys()];
    if (present.length === 0 || this.subscription === null) return;
    this.subscription.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, present)).catch(this.reportError);
  }

  private requestMissing(): void {
    const vector = Buffer.from(Y.encodeStateVector(this.room.doc)).toString('base64');
    this.subscription?.publishControl({ type: 'state-vector', incarnation: this.incarnation, vector }).catch(this.reportError);
  }

  /**
   * The bus lost messages: merge what storage holds now, publish the whole state once so the peers
   * converge on it, and ask them again for what they hold unstored.
   */
  private async resync(): Promise<void> {
    const stored = await this.actions.loadStored(this.room.id);
    if (this.subscription === null) return;
    if (stored?.incarnation !== this.incarnation) {
      this.actions.evict(this.room.id);
      return;
    }
    Y.transact(
      this.room.doc,
      () => {
        for (const update of stored.updates) Y.applyUpdate(this.room.doc, update);
      },
      BUS_ORIGIN,
    );
    this.publishUpdate(Y.encodeStateAsUpdate(this.room.doc));
    this.requestMissing();
  }

  private readonly publishAwareness = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    // Each instance times out stale states itself; publishing its timeouts could remove a live state elsewhere.
    if (origin === BUS_ORIGIN || origin === AWARENESS_TIMEOUT || this.subscription === null) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, [...added, ...updated, ...removed]);
    this.subscription.publishAwareness(update).catch(this.reportError);
  };

  private readonly reportError = (error: unknown): void => this.actions.onError(error, this.room.id);
}
