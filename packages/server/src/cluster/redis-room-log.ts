/**
 * The Redis layout of the room bus and the encoding of what goes into it:
 * - `<prefix>room:<id>:log`: a stream, the room's ordered log of updates and control events;
 * - `<prefix>room:<id>:presence`: a pub/sub channel for awareness (lossy by design);
 * - `<prefix>room:<id>:entries`: a pub/sub channel told each new log entry (its id, the id it chains
 *   to and, when small, its fields), so followers take it at once; the stream stays the record, and a
 *   follower reads it when a notice does not chain to what it has (a lost notice, a big entry).
 * Every log entry names the id of the entry before it (`prev`), so a reader that finds a `prev`
 * other than the last id it read knows entries were trimmed past it, or the stream was reset.
 */
import { type ControlEvent, controlEventSchema } from './room-bus.js';

export const logKey = (prefix: string, roomId: string): string => `${prefix}room:${roomId}:log`;
export const presenceChannel = (prefix: string, roomId: string): string => `${prefix}room:${roomId}:presence`;
export const entriesChannel = (prefix: string, roomId: string): string => `${prefix}room:${roomId}:entries`;

/** The id XREAD starts after for a stream that does not exist yet. */
export const STREAM_START = '0-0';

/**
 * Entry data carried in a notice, at most: a keystroke's update is tens of bytes. A bigger entry's
 * notice names it only, and followers read it from the stream, so a paste does not sit twice in
 * every follower's pub/sub output buffer (which Redis cuts off past its limit).
 */
export const MAX_NOTICE_DATA_BYTES = 8 * 1024;

/**
 * Appends one entry, chaining it to the stream's last entry, trims the log (approximately, which
 * keeps at least ARGV[1] entries), refreshes its expiry and tells the entries channel (see
 * `decodeNotice`). Atomic, so the chain has no forks and notices go out in log order. KEYS[1] log;
 * ARGV: max length, origin, kind, data, ttl ms, entries channel, most data bytes a notice carries.
 * Returns the new entry's id and the id it chains to.
 */
export const APPEND_SCRIPT = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local prev = '${STREAM_START}'
if last[1] then prev = last[1][1] end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'prev', prev, 'origin', ARGV[2], 'kind', ARGV[3], 'data', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if string.len(ARGV[4]) <= tonumber(ARGV[7]) then
  redis.call('PUBLISH', ARGV[6], id .. '\\n' .. prev .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[3] .. '\\n' .. ARGV[4])
else
  redis.call('PUBLISH', ARGV[6], id .. '\\n' .. prev)
end
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

/** A stream entry's field names, as APPEND_SCRIPT writes them: notices carry the values in this order. */
const FIELD_NAMES = ['prev', 'origin', 'kind', 'data'].map((name) => Buffer.from(name));
const STREAM_ID = /^\d+-\d+$/;
const NEWLINE = 0x0a;

/** A notice on a room's entries channel: the new entry's id, the id it chains to, and its fields when it was small. */
export interface EntryNotice {
  id: string;
  previousId: string;
  /** The entry's field list as XREAD returns it (`decodeEntry`); null when the entry was too big to carry. */
  fields: Buffer[] | null;
}

/**
 * Reads a notice: `id \n prev`, then for a carried entry `\n origin \n kind \n data` (data last, as
 * it may hold any byte; ids, origins and kinds hold no newline). Throws on anything else.
 */
export function decodeNotice(message: Buffer): EntryNotice {
  const parts: Buffer[] = [];
  let start = 0;
  while (parts.length < 4) {
    const end = message.indexOf(NEWLINE, start);
    if (end === -1) break;
    parts.push(message.subarray(start, end));
    start = end + 1;
  }
  parts.push(message.subarray(start));
  const [id = '', previousId = ''] = parts.slice(0, 2).map(String);
  if (!STREAM_ID.test(id) || !STREAM_ID.test(previousId) || (parts.length !== 2 && parts.length !== 5)) {
    throw new Error('room log notice is malformed');
  }
  const values = parts.length === 5 ? parts.slice(1) : null;
  return { id, previousId, fields: values?.flatMap((value, i) => [FIELD_NAMES[i] as Buffer, value]) ?? null };
}

/** Throws unless the instance id can go into a notice (see `decodeNotice`). */
export function assertNoticeSafeOrigin(origin: string): void {
  if (origin.includes('\n')) throw new Error('instance id must not contain a newline');
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
