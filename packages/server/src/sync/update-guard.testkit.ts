import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { InvalidUpdateError, assertValidUpdate } from './update-guard.js';

/**
 * The guard stands between untrusted bytes and Yjs. These tests prove three things:
 * it never rejects what real Y.Docs produce, it only ever fails with InvalidUpdateError,
 * and it turns away the "huge declared count" inputs that make Yjs allocate before it
 * notices the input is short (yjs `readClientsStructRefs`, see field notes).
 */

/** Every update a doc emits while `edit` runs, plus the doc's full state afterwards. */
function updatesOf(edit: (doc: Y.Doc) => void, gc = true): Uint8Array[] {
  const doc = new Y.Doc({ gc });
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  try {
    edit(doc);
    updates.push(Y.encodeStateAsUpdate(doc));
    return updates;
  } finally {
    doc.destroy();
  }
}

/** A v1 update built by hand: `clients` is the raw header, then `body` bytes, then an empty delete set. */
export function handBuilt(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

/** One struct section for client 7 at clock 0 holding one item under root `root` (map key `key`). */
export function oneItem(info: number, root: string, key: string | null, content: (e: encoding.Encoder) => void): Uint8Array {
  return handBuilt((e) => {
    encoding.writeVarUint(e, 1); // clients
    encoding.writeVarUint(e, 1); // structs
    encoding.writeVarUint(e, 7); // client
    encoding.writeVarUint(e, 0); // clock
    encoding.writeUint8(e, key === null ? info : info | 0b100000);
    encoding.writeVarUint(e, 1); // parent is a root type
    encoding.writeVarString(e, root);
    if (key !== null) encoding.writeVarString(e, key);
    content(e);
    encoding.writeVarUint(e, 0); // delete set: no clients
  });
}

/** What the guard does with `bytes`: 'ok', or the error it threw (anything but InvalidUpdateError fails the caller). */
export function guard(bytes: Uint8Array): 'ok' | Error {
  try {
    assertValidUpdate(bytes);
    return 'ok';
  } catch (err) {
    return err as Error;
  }
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Fails with the offending input if the guard threw anything but InvalidUpdateError. */
export function expectOnlyInvalidUpdateError(bytes: Uint8Array, context: string): 'ok' | 'rejected' {
  const result = guard(bytes);
  if (result === 'ok') return 'ok';
  if (!(result instanceof InvalidUpdateError)) {
    throw new Error(`${context}: guard threw ${result.name}: ${result.message} for input ${hex(bytes)}`);
  }
  return 'rejected';
}

/** Best of `runs` timings in ms: one slow run on a loaded machine is noise; an allocation trap is slow every time. */
export function bestTimeMs(fn: () => void, runs = 5): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** A seeded PRNG, so a failing fuzz input can be reproduced from its seed. */
export { seededRandom as prng } from '../../test/support/random.js';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_2024);

/** How long Yjs takes to apply a guard-approved update to a fresh doc (it may still throw; that is fine). */
function timedApplyOnce(bytes: Uint8Array): number {
  const doc = new Y.Doc();
  const start = performance.now();
  try {
    Y.applyUpdate(doc, bytes);
  } catch {
    // Yjs may reject what is structurally sound (e.g. bad JSON); the room closes the socket then.
  } finally {
    doc.destroy();
  }
  return performance.now() - start;
}

/**
 * Apply time, re-measured (best of three) when the first try is over budget: a GC pause or a busy
 * machine makes one run slow, an allocation trap makes every run slow.
 */
export function timedApply(bytes: Uint8Array): number {
  const first = timedApplyOnce(bytes);
  if (first < APPLY_BUDGET_MS) return first;
  return Math.min(first, timedApplyOnce(bytes), timedApplyOnce(bytes));
}

/** Far below the 200-1,000 ms the allocation trap costs, far above a normal apply even on a loaded machine. */
export const APPLY_BUDGET_MS = 100;

export const VALID_CASES: Record<string, () => Uint8Array[]> = {
  'text inserts and deletes': () =>
    updatesOf((doc) => {
      const text = doc.getText('code');
      text.insert(0, 'def main():\n    pass\n');
      text.insert(4, 'x');
      text.delete(0, 3);
      text.insert(text.length, '\u{1F600} unicode ✓');
      for (let i = 0; i < 200; i++) text.insert(i % (text.length + 1), String.fromCharCode(97 + (i % 26)));
      text.delete(5, 40);
    }),
  'text deletes without gc (ContentDeleted kept)': () =>
    updatesOf((doc) => {
      const text = doc.getText('code');
      text.insert(0, 'abcdefghij');
      text.delete(2, 5);
    }, false),
  'map with JSON-like and Any values': () =>
    updatesOf((doc) => {
      const map = doc.getMap<unknown>('meta');
      map.set('name', 'Room');
      map.set('n', 42);
      map.set('float', 1.5);
      map.set('big', 2n ** 60n);
      map.set('neg', -7);
      map.set('flag', true);
      map.set('nothing', null);
      map.set('undef', undefined);
      map.set('obj', { a: [1, 2, { b: null, c: 'x' }], d: { e: false } });
      map.set('arr', [1, 'two', [3]]);
      map.delete('n');
    }),
  'array of values': () =>
    updatesOf((doc) => {
      const arr = doc.getArray<unknown>('list');
      arr.insert(0, [1, 2, 3, 'four', { five: 5 }]);
      arr.delete(1, 2);
      arr.push([[6], null]);
    }),
  'nested types': () =>
    updatesOf((doc) => {
      const root = doc.getMap<unknown>('root');
      const arr = new Y.Array<unknown>();
      const inner = new Y.Map<unknown>();
      const text = new Y.Text('nested');
      root.set('arr', arr);
      arr.insert(0, [inner]);
      inner.set('text', text);
      text.insert(0, '>> ');
      inner.set('deeper', new Y.Map());
    }),
  'XmlElement, XmlText and XmlHook': () =>
    updatesOf((doc) => {
      const frag = doc.getXmlFragment('xml');
      const p = new Y.XmlElement('p');
      p.setAttribute('class', 'lead');
      const t = new Y.XmlText('hello');
      p.insert(0, [t]);
      frag.insert(0, [p, new Y.XmlElement('br')]);
      doc.getMap<unknown>('hooks').set('h', new Y.XmlHook('hook-name'));
      t.format(0, 2, { bold: true });
    }),
  'binary content': () =>
    updatesOf((doc) => {
      doc.getMap<unknown>('m').set('bin', new Uint8Array([0, 1, 2, 255]));
      doc.getArray<unknown>('a').push([new Uint8Array(1000).fill(7)]);
    }),
  subdocuments: () =>
    updatesOf((doc) => {
      doc.getMap<unknown>('docs').set('a', new Y.Doc({ guid: 'sub-a' }));
      doc.getMap<unknown>('docs').set('b', new Y.Doc({ guid: 'sub-b', meta: { title: 'B' }, autoLoad: true }));
    }),
  'formatting and embeds': () =>
    updatesOf((doc) => {
      const text = doc.getText('rich');
      text.insert(0, 'bold and italic', { bold: true });
      text.format(9, 6, { italic: true, bold: null });
      text.insertEmbed(3, { image: 'https://example.com/a.png' });
      text.applyDelta([{ retain: 2 }, { insert: 'X', attributes: { color: '#ff0000' } }]);
    }),
  'several clients merged (with Skip structs)': () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const updatesA: Uint8Array[] = [];
    a.on('update', (u: Uint8Array) => updatesA.push(u));
    a.getText('code').insert(0, 'one');
    a.getText('code').insert(3, 'two');
    a.getText('code').insert(6, 'three');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    b.getText('code').insert(0, 'b!');
    // Dropping the middle update leaves a gap that mergeUpdates fills with a Skip struct.
    const gapped = Y.mergeUpdates([updatesA[0]!, updatesA[2]!]);
    const merged = Y.mergeUpdates([Y.encodeStateAsUpdate(a), Y.encodeStateAsUpdate(b)]);
    a.destroy();
    b.destroy();
    return [gapped, merged];
  },
  'empty document': () => [Y.encodeStateAsUpdate(new Y.Doc())],
  'legacy JSON content (written by old Yjs versions)': () => [
    oneItem(2, 'legacy', 'k', (e) => {
      // Two values; a map entry shows the last one.
      encoding.writeVarUint(e, 2);
      encoding.writeVarString(e, 'undefined');
      encoding.writeVarString(e, '{"a":[1,2]}');
    }),
  ],
};
