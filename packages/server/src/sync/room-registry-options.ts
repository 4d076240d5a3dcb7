import type { Logger } from 'pino';
import type { SessionResolver } from '../access/session.js';
import type { RoomBus } from '../cluster/room-bus.js';
import type { RoomLinkTiming } from '../cluster/room-link.js';
import type { ServerEvents } from '../observability/server-events.js';
import type { CompactionScheduler } from '../persistence/compaction-scheduler.js';
import type { GroupCommitter } from '../persistence/group-commit.js';
import type { RoomOpenObserver } from '../persistence/last-opened.js';
import type { RoomRuns } from '../runs/run-service.js';
import type { RoomStore } from '../storage/store.js';
import type { RoomLimits } from './room-limits.js';

/** What a RoomRegistry works with. */
export interface RoomRegistryOptions {
  store: RoomStore;
  commits: GroupCommitter;
  compaction: CompactionScheduler;
  /** How long a room with no users stays in memory before it is unloaded. */
  idleUnloadMs: number;
  log: Logger;
  /** Reviews open connections' roles when access changes; OPEN_ACCESS when omitted. */
  sessions?: SessionResolver;
  /** DEFAULT_ROOM_LIMITS where not given. */
  roomLimits?: Partial<RoomLimits>;
  /** Where rooms and this registry report what they do; nothing when omitted. */
  events?: ServerEvents;
  /** Other instances serving the same rooms; a single instance has none. */
  bus?: RoomBus;
  /** DEFAULT_LINK_TIMING where not given. */
  linkTiming?: Partial<RoomLinkTiming>;
  /** Told each time a room is loaded or unloaded (when it was last opened, for retention); nobody when omitted. */
  opens?: RoomOpenObserver;
  /** The runs of the rooms' code (RunService); runs are not taken when omitted. */
  runs?: RoomRuns;
}
