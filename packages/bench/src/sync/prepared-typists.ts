import { CODE_TEXT } from '@pairwise/protocol';
import * as Y from 'yjs';
import { clientFrames } from './client-frames.js';
import type { Scope } from './scope.js';
import type { SampleBuffer } from './stats.js';
import type { ThinClient } from './thin-client.js';
import { cursorState, randomLetter, recordArrivals, type Typing, type Typist, typingOf } from './typing.js';
import { seededRandom } from './wait.js';

/*
 * The cheap load generator of the saturation climb: typists send updates encoded before each step
 * (from a scratch Y.Doc per typist) and receivers keep updates instead of applying them, so the
 * Yjs work per keystroke is ~6 us instead of ~47 us and the server saturates before this process.
 * Each keystroke's two messages (its update and its cursor) are framed beforehand too and leave in
 * one write.
 */

/** A typist that sends updates encoded before the step (from its own scratch doc) instead of editing. */
export interface PreparedTypist extends Typist {
  scratch: Y.Text;
  updates: Uint8Array[];
  /** Keystroke k's update message and cursor message, framed: sent in one write. */
  frames: Uint8Array[];
}

export function preparedTypists(clients: readonly ThinClient[], capacity: number, scope: Scope): PreparedTypist[] {
  return clients.map((client, i) => {
    const scratch = new Y.Doc();
    const typist: PreparedTypist = {
      client,
      editorId: scratch.clientID,
      sentAt: new Float64Array(capacity).fill(Number.NaN),
      cursor: 0,
      random: seededRandom(i + 1),
      scratch: scratch.getText(CODE_TEXT),
      updates: [],
      frames: [],
    };
    scratch.on('update', (update: Uint8Array) => {
      typist.updates.push(update);
      // The cursor after keystroke k (appended at the end) is at k + 1.
      const cursor = client.awarenessMessage(cursorState(client, typist.updates.length));
      typist.frames.push(clientFrames([client.updateMessage(update), cursor]));
    });
    scope.defer(() => scratch.destroy());
    return typist;
  });
}

/** Partners (typist r and r + rooms) receive each other's keystrokes, timed on arrival, kept not applied. */
export function timePartners(typists: readonly PreparedTypist[], rooms: number, latencies: Pick<SampleBuffer, 'push'>): void {
  for (let r = 0; r < rooms; r++) {
    const [a, b] = [typists[r], typists[r + rooms]];
    if (a && b) {
      b.client.keepUpdates(recordArrivals([a], latencies));
      a.client.keepUpdates(recordArrivals([b], latencies));
    }
  }
}

/** Encodes `count` more keystrokes per typist, each appended after its previous one. */
export function prepareKeystrokes(typists: readonly PreparedTypist[], count: number): void {
  for (const typist of typists) {
    for (let k = 0; k < count; k++) typist.scratch.insert(typist.scratch.length, randomLetter(typist.random));
  }
}

/** The typist's next prepared keystroke and, as editors do, its cursor. */
export function sendPrepared(typist: PreparedTypist): void {
  const clock = typist.cursor;
  const update = typist.updates[clock];
  const frames = typist.frames[clock];
  if (!update || !frames || clock >= typist.sentAt.length) return;
  typist.sentAt[clock] = performance.now();
  typist.client.sendPrepared(update, frames);
  typist.cursor = clock + 1;
}

export function sentCount(typists: readonly PreparedTypist[]): number {
  return typists.reduce((sum, t) => sum + t.cursor, 0);
}

/** Prepared typists as a typing window drives them (sendPrepared). */
export function preparedTyping(typists: readonly PreparedTypist[]): Typing {
  return typingOf(typists, sendPrepared, () => sentCount(typists));
}
