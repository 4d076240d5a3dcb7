import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import { z } from 'zod';
import { MESSAGE_RUN, RUN_STATUSES, RUN_STREAMS, type RunClientMessage, type RunServerMessage } from '@pairwise/protocol';

const author = z.object({ id: z.string(), name: z.string(), color: z.string() });
const summary = z.object({
  id: z.string(),
  language: z.string(),
  startedBy: author,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  status: z.enum(RUN_STATUSES),
  exitCode: z.number().nullable(),
  durationMs: z.number().nullable(),
  outputBytes: z.number(),
  truncated: z.boolean(),
});
/** What the server sends; checked, as the web app trusts no frame's shape. */
const runServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), run: summary }),
  z.object({ type: z.literal('output'), runId: z.string(), stream: z.enum(RUN_STREAMS), text: z.string() }),
  z.object({ type: z.literal('finished'), run: summary }),
  z.object({ type: z.literal('stop-requested'), runId: z.string(), by: author }),
  z.object({ type: z.literal('refused'), runId: z.string(), code: z.string(), message: z.string() }),
]) satisfies z.ZodType<RunServerMessage>;

export const runDetailsSchema = summary.extend({ output: z.array(z.object({ stream: z.enum(RUN_STREAMS), text: z.string() })) });

/** A MESSAGE_RUN frame: its type, then the message as a JSON varString. */
export function encodeRunFrame(message: RunClientMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_RUN);
  encoding.writeVarString(encoder, JSON.stringify(message));
  return encoding.toUint8Array(encoder);
}

/** The message of a MESSAGE_RUN frame (after its type); null when it does not hold a valid one. */
export function readRunServerMessage(decoder: decoding.Decoder): RunServerMessage | null {
  try {
    const parsed = runServerMessageSchema.safeParse(JSON.parse(decoding.readVarString(decoder)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** How a room's runs talk to the server. */
export interface RunTransport {
  /** Dropped while the socket is not open: a run's report is live or not at all. */
  send(message: RunClientMessage): void;
  /** Replaces the previous listener; the returned function removes it. */
  listen(onMessage: (message: RunServerMessage) => void): () => void;
}

type ProviderSocket = Pick<WebsocketProvider, 'ws' | 'messageHandlers'>;

/** Over the room's own socket (useRoomConnection has sent the Pairwise hello on it). */
export function providerRunTransport(provider: ProviderSocket): RunTransport {
  return {
    send: (message) => {
      const ws = provider.ws;
      if (ws && ws.readyState === ws.OPEN) ws.send(encodeRunFrame(message));
    },
    listen: (onMessage) => {
      provider.messageHandlers[MESSAGE_RUN] = (_reply, decoder) => {
        const message = readRunServerMessage(decoder);
        if (message !== null) onMessage(message);
      };
      return () => {
        // y-websocket logs an error for a type without a handler: the server may still send one before the socket closes.
        provider.messageHandlers[MESSAGE_RUN] = () => {};
      };
    },
  };
}
