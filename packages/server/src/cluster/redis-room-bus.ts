/**
 * The RoomBus over Redis: each room's updates and control events go to a stream (ordered, kept
 * until trimmed, read from the last id seen, so a reconnect loses nothing), and each append is
 * announced on pub/sub, with the entry when it is small, so followers take it at once; awareness
 * goes over pub/sub (lossy, repaired by clients re-sending their state). Three connections per
 * instance: commands, the blocking stream reader, and pub/sub. See the README "Scale-out design".
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import { TurnCork } from '../transport/turn-cork.js';
import {
  APPEND_SCRIPT,
  STREAM_START,
  decodeEntry,
  decodePresence,
  encodeEntryBody,
  encodePresence,
  entriesChannel,
  logKey,
  MAX_NOTICE_DATA_BYTES,
  presenceChannel,
  type LogEntry,
  assertNoticeSafeOrigin,
  decodeNotice,
} from './redis-room-log.js';
import { StreamReader, type StreamSink } from './redis-stream-reader.js';
import {
  type ControlEvent,
  RoomAlreadyJoinedError,
  type RoomBus,
  RoomBusClosedError,
  type RoomBusErrorListener,
  type RoomBusHandlers,
  type RoomSubscription,
} from './room-bus.js';

export interface RedisRoomBusOptions {
  /** redis:// URL. */
  url: string;
  /** Put before every key and channel, so several deployments (or tests) share one Redis. */
  keyPrefix?: string;
  instanceId?: string;
  /** Entries each room's log keeps (approximately, at least this many); a reader further behind gets a gap. */
  maxLogLength?: number;
  /** A room's log expires this long after its last entry. */
  logTtlMs?: number;
  /** Longest wait of one blocking read. */
  blockMs?: number;
  /** Pause between full reads of every followed stream (FULL_READ_PAUSE_MS). */
  fullReadPauseMs?: number;
  onError?: RoomBusErrorListener;
}

/**
 * Pause after a full read of every followed stream that returned entries (StreamReader). Entries
 * arrive through the notices meanwhile, and a lost notice (pub/sub loses them only when its
 * connection drops) shows in the next one, which does not chain: only the last entry of a burst
 * then waits for a full read, and the pub/sub connection's reconnect starts one at once. Each full
 * read names every stream the instance follows: 50 ms apart, two instances of 50 pair rooms spent
 * 1,065-1,156 ms of CPU per 1,000 updates, against 937-1,135 a second apart (issue 9).
 */
const FULL_READ_PAUSE_MS = 1_000;

/** How long close() lets queued commands drain before it drops the connection (Redis may be down). */
const QUIT_TIMEOUT_MS = 1_000;

const DEFAULTS = { keyPrefix: 'pairwise:', maxLogLength: 10_000, logTtlMs: 24 * 3600_000, blockMs: 1_000 };

/** The command connection with the append script registered on it. */
type AppendingRedis = Redis & {
  pairwiseAppend(
    key: string,
    maxLength: number,
    origin: string,
    kind: string,
    data: Buffer,
    ttlMs: number,
    entriesChannel: string,
    maxNoticeDataBytes: number,
  ): Promise<[id: string, previousId: string]>;
};

interface JoinedRoom {
  readonly roomId: string;
  readonly key: string;
  readonly channel: string;
  /** Told each new entry (APPEND_SCRIPT), which the reader takes at once (StreamReader.receiveNotice). */
  readonly entriesChannel: string;
  readonly handlers: RoomBusHandlers;
}

export class RedisRoomBus implements RoomBus {
  readonly instanceId: string;
  private readonly settings: typeof DEFAULTS;
  private readonly onError: RoomBusErrorListener;
  private readonly commands: AppendingRedis;
  private readonly subscriber: Redis;
  private readonly reader: StreamReader;
  /** Rooms by id, reserved before their join finishes so two joins of one room cannot race. */
  private readonly rooms = new Map<string, JoinedRoom | 'joining'>();
  /** Joined rooms by presence channel. */
  private readonly byChannel = new Map<string, JoinedRoom>();
  /** Joined rooms by entries channel. */
  private readonly byEntriesChannel = new Map<string, JoinedRoom>();
  private closed = false;
  /**
   * Every keystroke appends an update and publishes a cursor move. Corking the commands connection
   * as client sockets are (TurnCork) sends the commands of one task in one write when it ends and
   * the rest of the event-loop iteration's in one write at its end, in order. ioredis'
   * auto-pipelining batches only within a tick and, while a pipeline awaits its replies, sends the
   * next one uncorked: measured, it wrote more often.
   */
  private readonly cork = new TurnCork();

  constructor(options: RedisRoomBusOptions) {
    this.instanceId = options.instanceId ?? randomUUID();
    assertNoticeSafeOrigin(this.instanceId);
    const { url } = options;
    this.settings = {
      keyPrefix: options.keyPrefix ?? DEFAULTS.keyPrefix,
      maxLogLength: options.maxLogLength ?? DEFAULTS.maxLogLength,
      logTtlMs: options.logTtlMs ?? DEFAULTS.logTtlMs,
      blockMs: options.blockMs ?? DEFAULTS.blockMs,
    };
    this.onError = options.onError ?? (() => {});
    // No retry limit: a command waits out a reconnect instead of failing, so a publish is not lost.
    const connect = (role: string, options: RedisOptions = {}) =>
      this.connection(url, { maxRetriesPerRequest: null, connectionName: `pairwise-${role}`, ...options });
    this.commands = connect('commands') as AppendingRedis;
    this.commands.defineCommand('pairwiseAppend', { numberOfKeys: 1, lua: APPEND_SCRIPT });
    // No ready check (an INFO) on the pub/sub connection: ioredis sends a SUBSCRIBE made while it
    // connects (a room joined then) at once, and the check that follows is refused in subscriber
    // mode, which ioredis treats as fatal and reconnects, losing what was published meanwhile.
    this.subscriber = connect('presence', { enableReadyCheck: false });
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message));
    this.reader = new StreamReader(connect('reader'), this.commands, {
      blockMs: this.settings.blockMs,
      batchSize: 500,
      retryMs: 100,
      pauseMs: options.fullReadPauseMs ?? FULL_READ_PAUSE_MS,
      onError: this.onError,
    });
    // Notices published while it was away are lost: read every stream for what they told.
    this.subscriber.on('ready', () => this.reader.readAllSoon());
  }

  async join(roomId: string, handlers: RoomBusHandlers): Promise<RoomSubscription> {
    if (this.closed) throw new RoomBusClosedError('the room bus');
    if (this.rooms.has(roomId)) throw new RoomAlreadyJoinedError(roomId);
    this.rooms.set(roomId, 'joining');
    const room: JoinedRoom = {
      roomId,
      key: logKey(this.settings.keyPrefix, roomId),
      channel: presenceChannel(this.settings.keyPrefix, roomId),
      entriesChannel: entriesChannel(this.settings.keyPrefix, roomId),
      handlers,
    };
    try {
      // Everything appended after this id is delivered; the chain check starts from it too.
      const [last] = await this.commands.xrevrange(room.key, '+', '-', 'COUNT', 1);
      await this.subscriber.subscribe(room.channel, room.entriesChannel);
      if (this.closed) throw new RoomBusClosedError('the room bus');
      this.byChannel.set(room.channel, room);
      this.byEntriesChannel.set(room.entriesChannel, room);
      this.rooms.set(roomId, room);
      this.reader.add(room.key, last?.[0] ?? STREAM_START, this.logSink(roomId, handlers));
    } catch (error) {
      await this.release(roomId, room);
      throw error;
    }
    return this.subscription(roomId, room);
  }

  /** Rooms this instance follows now (idle rooms leave, so this stays bounded). */
  get joinedRoomCount(): number {
    return this.reader.streamCount;
  }

  async ping(): Promise<void> {
    await this.commands.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rooms.clear();
    this.byChannel.clear();
    this.byEntriesChannel.clear();
    await this.reader.stop();
    await Promise.all([this.commands, this.subscriber].map(closeConnection));
  }

  /** The socket is absent while ioredis connects: commands then wait in its offline queue. */
  private holdCommands(): void {
    const { stream } = this.commands;
    if (stream?.writable) this.cork.hold(stream);
  }

  private connection(url: string, options: RedisOptions): Redis {
    const connection = new Redis(url, options);
    // Without a listener ioredis prints every failed reconnect; the owner decides what to log.
    connection.on('error', (error: unknown) => this.onError(error, null));
    return connection;
  }

  private subscription(roomId: string, room: JoinedRoom): RoomSubscription {
    const ensureJoined = () => {
      if (this.rooms.get(roomId) !== room) throw new RoomBusClosedError(`the subscription to room ${roomId}`);
    };
    const append = async (body: [string, Buffer]) => {
      ensureJoined();
      const { maxLogLength, logTtlMs } = this.settings;
      this.holdCommands();
      // Its own entry needs no read back (StreamReader.appendOwn).
      await this.reader.appendOwn(room.key, () =>
        this.commands.pairwiseAppend(
          room.key,
          maxLogLength,
          this.instanceId,
          body[0],
          body[1],
          logTtlMs,
          room.entriesChannel,
          MAX_NOTICE_DATA_BYTES,
        ),
      );
    };
    return {
      roomId,
      publishUpdate: (update: Uint8Array) => append(encodeEntryBody({ kind: 'update', update })),
      publishControl: (event: ControlEvent) => append(encodeEntryBody({ kind: 'control', event })),
      publishAwareness: async (update: Uint8Array) => {
        ensureJoined();
        this.holdCommands();
        await this.commands.publish(room.channel, encodePresence(this.instanceId, update));
      },
      leave: async () => {
        if (this.rooms.get(roomId) === room) await this.release(roomId, room);
      },
    };
  }

  private async release(roomId: string, room: JoinedRoom): Promise<void> {
    this.rooms.delete(roomId);
    this.byChannel.delete(room.channel);
    this.byEntriesChannel.delete(room.entriesChannel);
    this.reader.remove(room.key);
    if (!this.closed) {
      await this.subscriber.unsubscribe(room.channel, room.entriesChannel).catch((error: unknown) => this.onError(error, roomId));
    }
  }

  /** Checks each entry's chain link, drops the instance's own entries and hands the rest over. */
  private logSink(roomId: string, handlers: RoomBusHandlers): StreamSink {
    return (_id, fields, previousId) => {
      let entry: LogEntry;
      try {
        entry = decodeEntry(fields);
      } catch (error) {
        // An entry that cannot be applied is a hole in the log: the room resyncs around it.
        this.onError(error, roomId);
        this.call(roomId, () => handlers.gap());
        return;
      }
      if (entry.prev !== previousId) this.call(roomId, () => handlers.gap());
      if (entry.origin === this.instanceId) return;
      const { origin } = entry;
      if (entry.kind === 'update') this.call(roomId, () => handlers.update(entry.update, origin));
      else this.call(roomId, () => handlers.control(entry.event, origin));
    };
  }

  private receive(channel: string, message: Buffer): void {
    const room = this.byEntriesChannel.get(channel);
    // A malformed notice (someone else publishing there) is that room's error, as bad presence is.
    if (room) this.call(room.roomId, () => this.reader.receiveNotice(room.key, decodeNotice(message)));
    else this.receivePresence(channel, message);
  }

  private receivePresence(channel: string, message: Buffer): void {
    const room = this.byChannel.get(channel);
    if (!room) return;
    try {
      const { origin, update } = decodePresence(message);
      if (origin !== this.instanceId) room.handlers.awareness(update, origin);
    } catch (error) {
      this.onError(error, room.roomId);
    }
  }

  private call(roomId: string, handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.onError(error, roomId);
    }
  }
}

/** QUIT sends what is queued first; a Redis that is down would keep it queued forever, so it is bounded. */
async function closeConnection(connection: Redis): Promise<void> {
  await Promise.race([connection.quit().catch(() => {}), sleep(QUIT_TIMEOUT_MS, undefined, { ref: false })]);
  connection.disconnect();
}
