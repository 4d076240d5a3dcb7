/**
 * The in-process RoomBus: for a single instance (where nobody else listens) and for tests, where
 * several "instances" share one LocalBusNetwork. It keeps the same guarantees as the Redis bus: a
 * bounded ordered log per room, delivery after the publisher's call returns, gap when trimmed past.
 */
import { randomUUID } from 'node:crypto';
import {
  type ControlEvent,
  RoomAlreadyJoinedError,
  type RoomBus,
  RoomBusClosedError,
  type RoomBusErrorListener,
  type RoomBusHandlers,
  type RoomSubscription,
} from './room-bus.js';

type LogBody = { kind: 'update'; update: Uint8Array } | { kind: 'control'; event: ControlEvent };
type LogEntry = { seq: number; origin: string } & LogBody;

interface Member {
  readonly instanceId: string;
  readonly handlers: RoomBusHandlers;
  /** Sequence number of the next entry this member has not seen. */
  next: number;
  draining: boolean;
}

/** One room's log, trimmed to `maxLength` entries, and the instances that joined it. */
class RoomLog {
  readonly entries: LogEntry[] = [];
  nextSeq = 1;
  readonly members = new Map<string, Member>();
}

/** What several LocalRoomBus instances share: the rooms' logs. */
export class LocalBusNetwork {
  private readonly rooms = new Map<string, RoomLog>();
  private readonly stalled = new Set<string>();

  constructor(
    /** Entries kept per room; a member further behind than this gets a gap. */
    readonly maxLength = 10_000,
    private readonly onError: RoomBusErrorListener = () => {},
  ) {}

  join(roomId: string, instanceId: string, handlers: RoomBusHandlers): void {
    const room = this.rooms.get(roomId) ?? new RoomLog();
    if (room.members.has(instanceId)) throw new RoomAlreadyJoinedError(roomId);
    this.rooms.set(roomId, room);
    room.members.set(instanceId, { instanceId, handlers, next: room.nextSeq, draining: false });
  }

  leave(roomId: string, instanceId: string): void {
    const room = this.rooms.get(roomId);
    room?.members.delete(instanceId);
    // An empty room keeps no log: nobody can be behind in it.
    if (room && room.members.size === 0) this.rooms.delete(roomId);
  }

  append(roomId: string, origin: string, body: LogBody): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.entries.push({ ...body, origin, seq: room.nextSeq++ });
    if (room.entries.length > this.maxLength) room.entries.splice(0, room.entries.length - this.maxLength);
    for (const member of room.members.values()) this.scheduleDrain(roomId, room, member);
  }

  broadcastAwareness(roomId: string, origin: string, update: Uint8Array): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    for (const member of room.members.values()) {
      if (member.instanceId === origin || this.stalled.has(member.instanceId)) continue;
      queueMicrotask(() => this.deliver(roomId, () => member.handlers.awareness(update, origin)));
    }
  }

  /** Simulates an instance that stops reading (a long GC pause, a partition); awareness to it is lost. */
  stall(instanceId: string): void {
    this.stalled.add(instanceId);
  }

  resume(instanceId: string): void {
    this.stalled.delete(instanceId);
    for (const [roomId, room] of this.rooms) {
      const member = room.members.get(instanceId);
      if (member) this.scheduleDrain(roomId, room, member);
    }
  }

  private scheduleDrain(roomId: string, room: RoomLog, member: Member): void {
    if (member.draining) return;
    member.draining = true;
    queueMicrotask(() => {
      member.draining = false;
      this.drain(roomId, room, member);
    });
  }

  private drain(roomId: string, room: RoomLog, member: Member): void {
    if (this.stalled.has(member.instanceId) || room.members.get(member.instanceId) !== member) return;
    const first = room.entries[0];
    if (!first) return;
    if (member.next < first.seq) {
      member.next = first.seq;
      this.deliver(roomId, () => member.handlers.gap());
    }
    for (const entry of room.entries.slice(member.next - first.seq)) {
      member.next = entry.seq + 1;
      if (entry.origin === member.instanceId) continue;
      if (room.members.get(member.instanceId) !== member) return;
      this.deliver(roomId, () =>
        entry.kind === 'update' ? member.handlers.update(entry.update, entry.origin) : member.handlers.control(entry.event, entry.origin),
      );
    }
  }

  private deliver(roomId: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.onError(error, roomId);
    }
  }
}

export interface LocalRoomBusOptions {
  /** Shared by the "instances" of one test; a bus of its own by default. */
  network?: LocalBusNetwork;
  instanceId?: string;
}

export class LocalRoomBus implements RoomBus {
  readonly instanceId: string;
  private readonly network: LocalBusNetwork;
  private readonly joined = new Map<string, RoomSubscription>();
  private closed = false;

  constructor(options: LocalRoomBusOptions = {}) {
    this.network = options.network ?? new LocalBusNetwork();
    this.instanceId = options.instanceId ?? randomUUID();
  }

  async join(roomId: string, handlers: RoomBusHandlers): Promise<RoomSubscription> {
    if (this.closed) throw new RoomBusClosedError('the room bus');
    this.network.join(roomId, this.instanceId, handlers);
    const subscription = this.subscription(roomId);
    this.joined.set(roomId, subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    if (this.closed) throw new RoomBusClosedError('the bus');
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.joined.values()].map((subscription) => subscription.leave()));
  }

  private subscription(roomId: string): RoomSubscription {
    const { network, instanceId: origin } = this;
    let left = false;
    const ensureJoined = () => {
      if (left) throw new RoomBusClosedError(`the subscription to room ${roomId}`);
    };
    return {
      roomId,
      publishUpdate: async (update) => {
        ensureJoined();
        network.append(roomId, origin, { kind: 'update', update });
      },
      publishAwareness: async (update) => {
        ensureJoined();
        network.broadcastAwareness(roomId, origin, update);
      },
      publishControl: async (event) => {
        ensureJoined();
        network.append(roomId, origin, { kind: 'control', event });
      },
      leave: async () => {
        if (left) return;
        left = true;
        this.joined.delete(roomId);
        network.leave(roomId, origin);
      },
    };
  }
}
