/**
 * The bridge between one loaded room and the room bus, so several instances serve one room.
 * Storage rule: an instance stores the updates it accepted itself (from its clients or its own
 * server changes) and confirms on the bus how far it has stored them. Updates heard on the bus are
 * applied with BUS_ORIGIN: relayed to local sockets, never published again, and kept as copies
 * until their sender confirms it stored them (peer-copies.ts stores them here if it never does).
 * A periodic state check (state-check.ts) repairs copies that disagree despite all that.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ChatMessage, RunServerMessage } from '@pairwise/protocol';
import type { ClusterRepairReason } from '../observability/server-events.js';
import type { StoredDocument } from '../storage/store.js';
import type { Room } from '../sync/room.js';
import { PeerCopies } from './peer-copies.js';
import type { ControlEvent, RoomBusHandlers, RoomSubscription } from './room-bus.js';
import { documentDigest, repairFor } from './state-check.js';

/** Transaction and awareness origin of everything heard from other instances. */
export const BUS_ORIGIN = Symbol('pairwise-room-bus');

/** What a link asks of the registry holding its room; none of these publishes anything again. */
export interface RoomLinkActions {
  /** Review the room's open connections (an access change made on another instance). */
  accessChanged(roomId: string): void;
  /** Send a chat message posted on another instance to this instance's subscribers in the room. */
  chat(roomId: string, message: ChatMessage): void;
  /** Send a run message from another instance to this instance's subscribers in the room (and note runs starting and ending there). */
  run(roomId: string, message: RunServerMessage): void;
  /** Drop the room from memory, closing its sockets with 4404 (deleted on another instance). */
  evict(roomId: string): void;
  /** The room as stored now, to repair a gap in what the bus delivered. */
  loadStored(roomId: string): Promise<StoredDocument | null>;
  /** Resolves once everything this instance queued for storing in the room is stored. */
  whenStored(roomId: string): Promise<void>;
  /** Store copies of other instances' updates as this instance's own writes. */
  storeCopies(roomId: string, incarnation: string, updates: Uint8Array[]): void;
  /** Copies of the room disagreed, or a peer's edits went unconfirmed, and this instance repaired it. */
  repaired(reason: ClusterRepairReason): void;
  /** An update reached the room's log on the bus this long after it was published. */
  published(seconds: number): void;
  onError(error: unknown, roomId: string): void;
}

export interface RoomLinkTiming {
  /** Average time between state checks (each is jittered by ±20% so rooms do not check in step). */
  checkIntervalMs: number;
  /** How long a copy of a peer's update waits for the peer to confirm storing it. */
  peerStoreMs: number;
  /** Shortest time between two storage confirmations of one room. */
  confirmIntervalMs: number;
}

export const DEFAULT_LINK_TIMING: RoomLinkTiming = { checkIntervalMs: 30_000, peerStoreMs: 10_000, confirmIntervalMs: 1_000 };

/** The origin y-protocols gives the removal of states that stopped renewing. */
const AWARENESS_TIMEOUT = 'timeout';

type Joiner = (handlers: RoomBusHandlers) => Promise<RoomSubscription>;

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

export class RoomLink {
  private subscription: RoomSubscription | null = null;
  private readonly copies: PeerCopies;
  /** Updates this link has published; storage confirmations count in these. */
  private published = 0;
  /** A confirmation is being prepared, or the last one was sent less than confirmIntervalMs ago. */
  private confirming = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly room: Room,
    readonly incarnation: string,
    private readonly actions: RoomLinkActions,
    private readonly timing: RoomLinkTiming,
  ) {
    this.copies = new PeerCopies({
      timeoutMs: timing.peerStoreMs,
      store: (updates) => {
        actions.storeCopies(room.id, incarnation, updates);
        actions.repaired('peer_unconfirmed');
      },
    });
  }

  /**
   * Joins the room's bus and asks the other instances for what storage did not have yet (edits they
   * accepted but have not stored): they answer a state vector with the updates it lacks.
   */
  static async open(join: Joiner, room: Room, incarnation: string, actions: RoomLinkActions, timing: RoomLinkTiming): Promise<RoomLink> {
    const link = new RoomLink(room, incarnation, actions, timing);
    link.subscription = await join(link.handlers);
    room.awareness.on('update', link.publishAwareness);
    link.requestMissing();
    link.scheduleCheck();
    return link;
  }

  /** An update this instance accepted (not one heard on the bus): the other instances must apply it. */
  publishUpdate(update: Uint8Array): void {
    if (this.subscription === null) return;
    this.published++;
    const started = performance.now();
    this.subscription.publishUpdate(update).then(() => this.actions.published((performance.now() - started) / 1000), this.reportError);
    this.confirmStored();
  }

  /** Resolves once every other instance's edit this room holds is stored (confirmed by its sender, or queued here). */
  peerEditsStored(): Promise<void> {
    return this.copies.whenEmpty();
  }

  /**
   * Leaves the bus. Copies still unconfirmed are stored first (the room leaves memory while a peer may
   * be dying), unless the room was deleted (`keepCopies: false`).
   */
  async close({ keepCopies }: { keepCopies: boolean }): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (keepCopies) this.copies.storeAll();
    this.copies.close();
    this.room.awareness.off('update', this.publishAwareness);
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.leave();
  }

  private readonly handlers: RoomBusHandlers = {
    update: (update, origin) => {
      this.applyFromBus(update);
      this.copies.hold(origin, update);
    },
    awareness: (update) => awarenessProtocol.applyAwarenessUpdate(this.room.awareness, update, BUS_ORIGIN),
    control: (event, origin) => this.receiveControl(event, origin),
    gap: () => void this.resync().catch(this.reportError),
  };

  private receiveControl(event: ControlEvent, origin: string): void {
    switch (event.type) {
      case 'state-vector':
        if (event.incarnation !== this.incarnation) return;
        this.publishUpdate(Y.encodeStateAsUpdate(this.room.doc, Buffer.from(event.vector, 'base64')));
        // A state vector comes from an instance that just loaded the room: it shows who is here at once.
        this.publishPresence();
        return;
      case 'stored':
        if (event.incarnation === this.incarnation) this.copies.confirmed(origin, event.published, event.through);
        return;
      case 'state-check':
        if (event.incarnation === this.incarnation) this.answerCheck(Buffer.from(event.vector, 'base64'), event.digest);
        return;
      case 'repair':
        if (event.incarnation !== this.incarnation) return;
        // Everything published before the answer has arrived by now (the log is ordered): a change is a real hole.
        if (this.applyFromBus(Buffer.from(event.update, 'base64'))) this.actions.repaired('state_check');
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
      case 'chat':
        this.actions.chat(this.room.id, event.message);
        return;
      case 'run':
        this.actions.run(this.room.id, event.message);
        return;
    }
  }

  /** Applies what a peer sent; true if it changed this copy. */
  private applyFromBus(update: Uint8Array): boolean {
    let changed = false;
    const onUpdate = (): void => {
      changed = true;
    };
    this.room.doc.on('update', onUpdate);
    try {
      Y.applyUpdate(this.room.doc, update, BUS_ORIGIN);
    } finally {
      this.room.doc.off('update', onUpdate);
    }
    // A peer's server may have changed a key only servers write; its clients' changes to them never get here.
    this.room.adoptServerOnlyMeta();
    return changed;
  }

  /**
   * Tells the peers, at most once per confirmIntervalMs, how many of this link's publications are
   * stored: everything published before waiting on the store is in or ahead of its queue.
   */
  private confirmStored(): void {
    if (this.confirming) return;
    this.confirming = true;
    const through = this.published;
    this.actions.whenStored(this.room.id).then(() => {
      if (this.subscription === null) return;
      const event: ControlEvent = { type: 'stored', incarnation: this.incarnation, published: this.published, through };
      this.subscription.publishControl(event).catch(this.reportError);
      this.after(this.timing.confirmIntervalMs, () => {
        this.confirming = false;
        if (this.published > through) this.confirmStored();
      });
    }, this.reportError);
  }

  private scheduleCheck(): void {
    const delayMs = this.timing.checkIntervalMs * (0.8 + Math.random() * 0.4);
    this.after(delayMs, () => {
      this.publishCheck();
      this.scheduleCheck();
    });
  }

  private publishCheck(): void {
    const { doc } = this.room;
    const event: ControlEvent = {
      type: 'state-check',
      incarnation: this.incarnation,
      vector: base64(Y.encodeStateVector(doc)),
      digest: documentDigest(doc),
    };
    this.subscription?.publishControl(event).catch(this.reportError);
  }

  private answerCheck(vector: Uint8Array, digest: string): void {
    const repair = repairFor(this.room.doc, vector, digest);
    if (repair === null || this.subscription === null) return;
    this.subscription.publishControl({ type: 'repair', incarnation: this.incarnation, update: base64(repair) }).catch(this.reportError);
  }

  private publishPresence(): void {
    const present = [...this.room.awareness.getStates().keys()];
    if (present.length === 0 || this.subscription === null) return;
    this.subscription.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, present)).catch(this.reportError);
  }

  private requestMissing(): void {
    const vector = base64(Y.encodeStateVector(this.room.doc));
    this.subscription?.publishControl({ type: 'state-vector', incarnation: this.incarnation, vector }).catch(this.reportError);
  }

  /**
   * The bus lost messages: store every copy held (a lost confirmation must not lose them), merge
   * what storage holds now, publish the whole state once so the peers converge on it, and ask them
   * again for what they hold unstored.
   */
  private async resync(): Promise<void> {
    this.actions.repaired('gap');
    this.copies.storeAll();
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

  private after(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delayMs);
    // The room's owner closes the link; its timers never keep the process alive on their own.
    timer.unref();
    this.timers.add(timer);
  }

  private readonly publishAwareness = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    // Each instance times out stale states itself; publishing its timeouts could remove a live state elsewhere.
    if (origin === BUS_ORIGIN || origin === AWARENESS_TIMEOUT || this.subscription === null) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, [...added, ...updated, ...removed]);
    this.subscription.publishAwareness(update).catch(this.reportError);
  };

  private readonly reportError = (error: unknown): void => this.actions.onError(error, this.room.id);
}
