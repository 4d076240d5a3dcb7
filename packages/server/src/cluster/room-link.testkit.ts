import { pino } from 'pino';
import { afterEach } from 'vitest';
import * as Y from 'yjs';
import type { ClusterRepairReason, ServerEvents } from '../observability/server-events.js';
import { NO_SERVER_EVENTS } from '../observability/server-events.js';
import { CompactionScheduler } from '../persistence/compaction-scheduler.js';
import { GroupCommitter } from '../persistence/group-commit.js';
import { initialDocument } from '../rooms/room-service.js';
import { MemoryRoomStore } from '../storage/memory-store.js';
import { RoomRegistry } from '../sync/room-registry.js';
import type { Room } from '../sync/room.js';
import { LocalBusNetwork, LocalRoomBus } from './local-room-bus.js';
import type { RoomBusHandlers } from './room-bus.js';
import type { RoomLinkTiming } from './room-link.js';

/** Set-up of the room-link tests: registries ("instances") on one memory store and one in-process bus. */

export const ROOM = 'shared-room';
const log = pino({ level: 'silent' });

export interface Instance {
  registry: RoomRegistry;
  commits: GroupCommitter;
  bus: LocalRoomBus;
  /** Repairs this instance reported, in order. */
  repairs: ClusterRepairReason[];
}

export interface InstanceOptions {
  /** The group commit window; a long one keeps accepted edits unstored. */
  windowMs?: number;
  timing?: Partial<RoomLinkTiming>;
}

export interface LinkedCluster {
  store: MemoryRoomStore;
  network: LocalBusNetwork;
  a: Instance;
  b: Instance;
  roomA: Room;
  roomB: Room;
  /** Updates published to the room's log from the start, as a third party hears them. */
  heard: Uint8Array[];
}

export interface ClusterOptions {
  maxLogLength?: number;
  a?: InstanceOptions;
  b?: InstanceOptions;
}

export const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function storedUpdateCount(store: MemoryRoomStore): Promise<number> {
  return (await store.loadDocument(ROOM))!.updates.length;
}

/** The text storage holds for the room now. */
export async function storedText(store: MemoryRoomStore): Promise<string> {
  const doc = new Y.Doc();
  for (const update of (await store.loadDocument(ROOM))!.updates) Y.applyUpdate(doc, update);
  return doc.getText('code').toString();
}

/** Registers the after-each clean-up; returns a function building two linked instances A and B. */
export function useLinkedCluster(): (options?: ClusterOptions) => Promise<LinkedCluster> {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const instance = (store: MemoryRoomStore, network: LocalBusNetwork, instanceId: string, options: InstanceOptions = {}): Instance => {
    const repairs: ClusterRepairReason[] = [];
    const events: ServerEvents = { ...NO_SERVER_EVENTS, clusterRepaired: (reason) => void repairs.push(reason) };
    const commits = new GroupCommitter({
      store,
      windowMs: options.windowMs ?? 5,
      log,
      maxRoomBacklogBytes: 1 << 20,
      maxBacklogBytes: 1 << 23,
      closeRetryMs: 0,
    });
    const compaction = new CompactionScheduler(store, 1_000, log);
    const bus = new LocalRoomBus({ network, instanceId });
    const registry = new RoomRegistry({
      store,
      commits,
      compaction,
      idleUnloadMs: 60_000,
      log,
      bus,
      events,
      ...(options.timing ? { linkTiming: options.timing } : {}),
    });
    cleanups.push(async () => {
      await registry.close();
      await commits.close().catch(() => {});
      await bus.close();
    });
    return { registry, commits, bus, repairs };
  };

  return async (options = {}) => {
    const store = new MemoryRoomStore();
    await store.createRoom({ id: ROOM, name: 'Room', language: 'python', createdAt: 1, updatedAt: 1 }, initialDocument('Room', 'python'));
    const network = new LocalBusNetwork(options.maxLogLength ?? 10_000);
    const a = instance(store, network, 'a', options.a);
    const b = instance(store, network, 'b', options.b);
    const roomA = (await a.registry.acquire(ROOM))!.room;
    const roomB = (await b.registry.acquire(ROOM))!.room;
    const heard: Uint8Array[] = [];
    const observer: RoomBusHandlers = { update: (u) => void heard.push(u), awareness: () => {}, control: () => {}, gap: () => {} };
    const listening = await new LocalRoomBus({ network, instanceId: 'observer' }).join(ROOM, observer);
    cleanups.push(() => listening.leave());
    return { store, network, a, b, roomA, roomB, heard };
  };
}
