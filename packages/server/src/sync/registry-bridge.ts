import { chatFrame } from '../chat/chat-frame.js';
import { ClusterBridge } from '../cluster/cluster-bridge.js';
import type { RoomBus } from '../cluster/room-bus.js';
import { DEFAULT_LINK_TIMING } from '../cluster/room-link.js';
import type { ServerEvents } from '../observability/server-events.js';
import { runFrame } from '../runs/run-frame.js';
import type { AccessReviews } from './access-reviews.js';
import type { RoomRegistryOptions } from './room-registry-options.js';
import type { Room } from './room.js';

/** What a registry lends its cluster bridge: its rooms in memory, the reviews of their connections, eviction. */
export interface BridgedRooms {
  readonly reviews: AccessReviews;
  loaded(roomId: string): Room | undefined;
  evict(roomId: string): Promise<unknown>;
}

/** A registry's link to the other instances: carries out what they report; nothing here publishes again (no loops). */
export function bridgeRooms(bus: RoomBus, rooms: BridgedRooms, options: RoomRegistryOptions, events: ServerEvents): ClusterBridge {
  const { log, store, commits, runs } = options;
  return new ClusterBridge(
    bus,
    {
      accessChanged: (roomId) => rooms.reviews.accessChanged(roomId),
      chat: (roomId, message) => rooms.loaded(roomId)?.sendToSubscribers(chatFrame(message)),
      run: (roomId, message) => {
        runs?.heard(roomId, message);
        rooms.loaded(roomId)?.sendToSubscribers(runFrame(message));
      },
      sessionEnded: (sessionId) => rooms.reviews.sessionEnded(sessionId),
      evict: (roomId) => void rooms.evict(roomId).catch((err: unknown) => log.error({ err, roomId }, 'evicting a deleted room failed')),
      loadStored: (roomId) => store.loadDocument(roomId),
      whenStored: (roomId) => commits.whenStored(roomId),
      storeCopies: (roomId, incarnation, updates) => {
        log.info({ roomId, updates: updates.length }, "storing another instance's edits it did not confirm storing");
        for (const update of updates) commits.enqueueUpdate(roomId, incarnation, update);
      },
      repaired: (reason) => events.clusterRepaired(reason),
      published: (seconds) => events.redisPublished(seconds),
      onError: (err, roomId) => log.warn({ err, roomId }, 'room bus'),
    },
    { ...DEFAULT_LINK_TIMING, ...options.linkTiming },
  );
}
