import { randomUUID } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import { MESSAGE_PAIRWISE_HELLO, MESSAGE_RUN, type RunClientMessage, type RunServerMessage } from '@pairwise/protocol';
import { readRunFrame } from '../../src/runs/run-frame.js';
import { type RawPeer, rawPeer } from './roles.js';

/** A raw client of a room that sent the Pairwise hello, as the web app does, and reports runs as a runner's tab does. */
export interface RunPeer extends RawPeer {
  /** Sends one run message and resolves once the server has handled it. */
  run(message: RunClientMessage): Promise<void>;
  /** Run messages received so far. */
  runs(): RunServerMessage[];
}

export function runMessageFrame(message: RunClientMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_RUN);
  encoding.writeVarString(encoder, JSON.stringify(message));
  return encoding.toUint8Array(encoder);
}

/** `headers`: of the upgrade, e.g. a guest's cookie. */
export async function runPeer(
  url: string,
  { hello = true, headers = {} }: { hello?: boolean; headers?: Record<string, string> } = {},
): Promise<RunPeer> {
  const peer = await rawPeer(url, headers);
  if (hello) peer.ws.send(Uint8Array.of(MESSAGE_PAIRWISE_HELLO));
  // Handled in order: once the barrier's answer is back, the hello was too.
  await peer.barrier();
  return {
    ...peer,
    async run(message) {
      peer.ws.send(runMessageFrame(message));
      await peer.barrier();
    },
    runs: () => peer.received.flatMap((frame) => readRunFrame(frame) ?? []),
  };
}

export const newRunId = (): string => randomUUID();
