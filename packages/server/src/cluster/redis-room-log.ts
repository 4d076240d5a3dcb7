/**
 * The Redis layout of the room bus and the encoding of what goes into it:
 * - `<prefix>room:<id>:log`: a stream, the room's ordered log of updates and control events;
 * - `<prefix>room:<id>:presence`: a pub/sub channel for awareness (lossy by design);
 * - `<prefix>room:<id>:appended`: a pub/sub channel told each new log entry's id, so followers read
 *   that one stream at once (a lost notice only delays the entry until the reader's next full read).
 * Every log entry names the id of the entry before it (`prev`), so a reader that finds a `prev`
 * other than the last id it read knows entries were trimmed past it, or the stream was reset.
 */
import { type ControlEvent, controlEventSchema } from './room-bus.js';

export const logKey = (prefix: string, roomId: string): string => `${prefix}room:${roomId}:log`;
export const presenceChannel = (prefix: string, roomId: string): string => `${prefix}room:${roomId}:presence`;
export const appendedChannel = (prefix: string, roomId: string): string => `${prefix}room:${roomId}:appended`;

/** The id XREAD starts after for a stream that does not exist yet. */
export const STREAM_START = '0-0';

/**
 * Appends one entry, chaining it to the stream's last entry, trims the log (approximately, which
 * keeps at least ARGV[1] entries), refreshes its expiry and tells the appended channel. Atomic, so
 * the chain has no forks. KEYS[1] log; ARGV: max length, origin, kind, data, ttl ms, appended
 * channel. Returns the new entry's id and the id it chains to.
 */
export const APPEND_SCRIPT = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local prev = '${STREAM_START}'
if last[1] then prev = last[1][1] end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'prev', prev, 'origin', ARGV[2], 'kind', ARGV[3], 'data', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PUBLISH', ARGV[6], id)
return {id, prev}
`;

export type LogEntry = { prev: string; origin: string } & (
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'control'; event: ControlEvent }
);

const KIND_CODES = { update: 'u', control: 'c' } as const;

/** The `kind` and `data` arguments of APPEND_SCRIPT for one entry. */
export function encodeEntryBody(
  entry: { kind: 'update'; update: Uint8Array } | { kind: 'control'; event: ControlEvent },
): [string, Buffer] {
  return entry.kind === 'update'
    ? [KIND_CODES.update, Buffer.from(entry.update.buffer, entry.update.byteOffset, entry.update.byteLength)]
    : [KIND_CODES.control, Buffer.from(JSON.stringify(entry.event))];
}

/** Reads a stream entry's field list; throws on anything this version did not write. */
export function decodeEntry(fields: Buffer[]): LogEntry {
  const values = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(String(fields[i]), fields[i + 1] as Buffer);
  const [prev, origin, kind, data] = ['prev', 'origin', 'kind', 'data'].map((name) => values.get(name));
  if (!prev || !origin || !kind || !data) throw new Error('room log entry lacks a field');
  const head = { prev: prev.toString(), origin: origin.toString() };
  switch (kind.toString()) {
    case KIND_CODES.update:
      return { ...head, kind: 'update', update: new Uint8Array(data) };
    case KIND_CODES.control:
      return { ...head, kind: 'control', event: controlEventSchema.parse(JSON.parse(data.toString())) };
    default:
      throw new Error(`room log entry of unknown kind ${JSON.stringify(kind.toString())}`);
  }
}

/** A presence message: origin length (1 byte), origin, then the awareness update. */
export function encodePresence(origin: string, update: Uint8Array): Buffer {
  const originBytes = Buffer.from(origin);
  if (originBytes.length > 255) throw new Error('instance id longer than 255 bytes');
  return Buffer.concat([Buffer.of(originBytes.length), originBytes, update]);
}

export function decodePresence(message: Buffer): { origin: string; update: Uint8Array } {
  const length = message[0];
  if (length === undefined || message.length <= 1 + length) throw new Error('presence message too short');
  return { origin: message.subarray(1, 1 + length).toString(), update: new Uint8Array(message.subarray(1 + length)) };
}

/** Orders stream ids (`<ms>-<seq>`) numerically; lexical order is wrong once the lengths differ. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0n, aSeq = 0n] = a.split('-').map(BigInt);
  const [bMs = 0n, bSeq = 0n] = b.split('-').map(BigInt);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}
