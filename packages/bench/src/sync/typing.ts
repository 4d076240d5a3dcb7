import * as Y from 'yjs';
import type { Scope } from './scope.js';
import { SampleBuffer } from './stats.js';
import type { ThinClient } from './thin-client.js';
import { seededRandom } from './wait.js';

/**
 * A client that types on a schedule. Its edits carry the Yjs client id `editorId`: the client's
 * own doc id when it types into its Y.Doc, a scratch doc's id when it sends prepared updates.
 */
export interface Typist {
  client: ThinClient;
  editorId: number;
  /** Send time of each of this typist's keystrokes, by Yjs clock (NaN: not sent yet). */
  sentAt: Float64Array;
  /** Where its next character goes; a prepared typist appends, so this is also how many it sent. */
  cursor: number;
  random: () => number;
}

/** Typists that type into their thin client's own Y.Doc; `keystrokes` is the most each will send. */
export function docTypists(clients: readonly ThinClient[], keystrokes: number): Typist[] {
  return clients.map((client, i) => ({
    client,
    editorId: client.doc.clientID,
    sentAt: new Float64Array(keystrokes).fill(Number.NaN),
    cursor: 0,
    random: seededRandom(i + 1),
  }));
}

/** Typists as a typing window drives them: how many, one keystroke of typist i, keystrokes sent so far. */
export interface Typing {
  count: number;
  type: (typist: number) => void;
  typed: () => number;
}

/** `typists` as a typing window drives them: `keystroke` sends one of a typist's keystrokes. */
export function typingOf<T extends Typist>(typists: readonly T[], keystroke: (typist: T) => void, typed: () => number): Typing {
  return {
    count: typists.length,
    type: (i) => {
      const typist = typists[i];
      if (typist) keystroke(typist);
    },
    typed,
  };
}

/** Typists that type into their own Y.Docs (typeIntoDoc). */
export function docTyping(typists: readonly Typist[]): Typing {
  return typingOf(typists, typeIntoDoc, () => typists.reduce((sum, t) => sum + Y.getState(t.client.doc.store, t.editorId), 0));
}

/**
 * Records one latency per keystroke of `senders` that reaches a receiver: now minus its send time.
 * `clock` is injectable so a test can fix "now" instead of racing a loaded machine.
 */
export function recordArrivals(
  senders: ReadonlyArray<Pick<Typist, 'editorId' | 'sentAt'>>,
  latencies: Pick<SampleBuffer, 'push'>,
  clock: () => number = () => performance.now(),
): (from: ReadonlyMap<number, number>, to: ReadonlyMap<number, number>) => void {
  const byId = new Map(senders.map((s) => [s.editorId, s]));
  return (from, to) => {
    const now = clock();
    for (const [id, after] of to) {
      const sender = byId.get(id);
      if (!sender) continue;
      for (let clock = from.get(id) ?? 0; clock < after; clock++) {
        const t0 = sender.sentAt[clock];
        if (t0 !== undefined && !Number.isNaN(t0)) latencies.push(now - t0);
      }
    }
  };
}

/** Times every keystroke of `senders` that `doc` integrates (a receiver that applies each update). */
export function observeDoc(doc: Y.Doc, senders: readonly Typist[], latencies: SampleBuffer): void {
  const record = recordArrivals(senders, latencies);
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    if (!tr.local) record(tr.beforeState, tr.afterState);
  });
}

/**
 * Open-loop schedule: keystroke k (of all typists together) is due at `start + k * gap`, typist
 * k % count types it. One timer wakes for whatever is due, so a slow turn makes the next one send
 * more, not later. Resolves with how late each keystroke left (the generator falling behind), ms.
 */
export function typeOnSchedule(
  typistCount: number,
  charsPerSecond: number,
  durationMs: number,
  scope: Scope,
  type: (typist: number) => void,
): Promise<SampleBuffer> {
  const gapMs = 1000 / (charsPerSecond * typistCount);
  const total = Math.floor(durationMs / gapMs);
  const lag = new SampleBuffer();
  const start = performance.now();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  scope.defer(() => clearTimeout(timer));
  return new Promise<SampleBuffer>((resolve) => {
    const tick = (): void => {
      for (let now = performance.now(); next < total && start + next * gapMs <= now; next++) {
        type(next % typistCount);
        lag.push(performance.now() - (start + next * gapMs));
      }
      if (next >= total) resolve(lag);
      else timer = setTimeout(tick, Math.max(0, start + next * gapMs - performance.now()));
    };
    tick();
  });
}

/** One typed character at the typist's cursor in its Y.Doc, then the cursor's new place as presence. */
export function typeIntoDoc(typist: Typist): void {
  const { client } = typist;
  const clock = Y.getState(client.doc.store, client.doc.clientID);
  if (clock >= typist.sentAt.length) return;
  const position = Math.min(typist.cursor, client.text.length);
  typist.sentAt[clock] = performance.now();
  client.together(() => {
    client.text.insert(position, randomLetter(typist.random));
    client.sendAwareness(cursorState(client, position + 1));
  });
  typist.cursor = position + 1;
}

/** Presence as an editor publishes it on every cursor move. */
export function cursorState(client: ThinClient, position: number): Record<string, unknown> {
  return { user: { name: `user-${client.doc.clientID}` }, cursor: { anchor: position, head: position } };
}

export function randomLetter(random: () => number): string {
  return String.fromCharCode(97 + Math.floor(random() * 26));
}

/** This process's CPU since the call, as % of one core. */
export function generatorCpuMeter(): () => number {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  return () => {
    const used = process.cpuUsage(cpuStart);
    return (100 * (used.user + used.system)) / 1000 / (performance.now() - wallStart);
  };
}
