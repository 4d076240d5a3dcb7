import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { z } from 'zod';
import {
  MESSAGE_RUN,
  RUN_CHUNK_MAX_CHARS,
  RUN_OUTPUT_MAX_BYTES,
  RUN_STATUSES,
  RUN_STREAMS,
  type RunServerMessage,
} from '@pairwise/protocol';

const author = z.strictObject({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(64),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
});
const runId = z.uuid();
const summary = z.strictObject({
  id: runId,
  language: z.string().min(1).max(40),
  startedBy: author,
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
  status: z.enum(RUN_STATUSES),
  exitCode: z.number().int().min(-255).max(255).nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  outputBytes: z.number().int().min(0).max(RUN_OUTPUT_MAX_BYTES),
  truncated: z.boolean(),
});

/** A RunServerMessage as another instance relays it over the room bus (checked like any input). */
export const runServerMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('started'), run: summary }),
  z.strictObject({ type: z.literal('output'), runId, stream: z.enum(RUN_STREAMS), text: z.string().max(RUN_CHUNK_MAX_CHARS) }),
  z.strictObject({ type: z.literal('finished'), run: summary }),
  z.strictObject({ type: z.literal('stop-requested'), runId, by: author }),
  z.strictObject({ type: z.literal('refused'), runId: z.string().max(100), code: z.string().max(100), message: z.string().max(500) }),
]) satisfies z.ZodType<RunServerMessage>;

/** The MESSAGE_RUN frame of one run message: its type, then the message as JSON (varString). Built once per room. */
export function runFrame(message: RunServerMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_RUN);
  encoding.writeVarString(encoder, JSON.stringify(message));
  return encoding.toUint8Array(encoder);
}

/** The message of a MESSAGE_RUN frame from the server; null for any other frame or one that does not hold a valid message. */
export function readRunFrame(frame: Uint8Array): RunServerMessage | null {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE_RUN) return null;
    const parsed = runServerMessageSchema.safeParse(JSON.parse(decoding.readVarString(decoder)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
