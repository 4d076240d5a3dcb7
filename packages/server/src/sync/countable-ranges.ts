import * as Y from 'yjs';

/**
 * Where an update's countable content (characters, embeds, map and array values) sits, by Yjs id:
 * for each client, sorted and disjoint [start, end) clock ranges. Ids are unique, so two updates
 * naming the same clock carry the same content: counting a union of ranges counts it once.
 */
export type CountableRanges = Map<number, ClockRange[]>;
type ClockRange = [start: number, end: number];

type DecodedStructs = ReturnType<typeof Y.decodeUpdate>['structs'];
type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];

/** The countable content among an update's decoded structs. */
export function countableRanges(structs: DecodedStructs): CountableRanges {
  const byClient: CountableRanges = new Map();
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || !struct.countable || struct.deleted) continue;
    const { client, clock } = struct.id;
    const ranges = byClient.get(client) ?? [];
    byClient.set(client, ranges);
    ranges.push([clock, clock + struct.length]);
  }
  for (const [client, ranges] of byClient) byClient.set(client, merged(ranges));
  return byClient;
}

export function totalLength(ranges: CountableRanges): number {
  let length = 0;
  for (const list of ranges.values()) for (const [start, end] of list) length += end - start;
  return length;
}

/** How much countable content in any of `sets` `doc` does not hold yet, each clock counted once. */
export function unheldLength(sets: readonly CountableRanges[], doc: Y.Doc): number {
  const byClient = new Map<number, ClockRange[]>();
  for (const set of sets) {
    for (const [client, ranges] of set) {
      const all = byClient.get(client) ?? [];
      byClient.set(client, all);
      for (const range of ranges) all.push(range);
    }
  }
  let length = 0;
  for (const [client, ranges] of byClient) {
    // A document holds each client's structs from clock 0 up to its state, without gaps.
    const held = Y.getState(doc.store, client);
    for (const [start, end] of merged(ranges)) length += Math.max(0, end - Math.max(start, held));
  }
  return length;
}

/**
 * Characters of `text` that `doc` shows and the delete set would remove, each counted once however
 * often the set names it. Stops once the count reaches `enough` (it may then pass it). Walks only the structs the set covers, as
 * applying it would.
 */
export function visibleTextDeleted(ds: DeleteSet, doc: Y.Doc, text: Y.Text, enough: number): number {
  let deleted = 0;
  for (const [client, items] of ds.clients) {
    const structs = doc.store.clients.get(client);
    if (!structs) continue;
    const held = Y.getState(doc.store, client);
    const ranges = merged(items.map(({ clock, len }): ClockRange => [clock, Math.min(clock + len, held)]));
    for (const [start, end] of ranges) {
      for (let i = Y.findIndexSS(structs, start); i < structs.length && structs[i]!.id.clock < end; i++) {
        const struct = structs[i]!;
        if (!(struct instanceof Y.Item) || struct.deleted || !struct.countable || struct.parent !== text) continue;
        deleted += Math.min(end, struct.id.clock + struct.length) - Math.max(start, struct.id.clock);
        if (deleted >= enough) return deleted;
      }
    }
  }
  return deleted;
}

/** Sorted, disjoint ranges covering the same clocks; empty ranges dropped. */
function merged(ranges: readonly ClockRange[]): ClockRange[] {
  const sorted = ranges.filter(([start, end]) => start < end).sort((a, b) => a[0] - b[0]);
  const out: ClockRange[] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}
