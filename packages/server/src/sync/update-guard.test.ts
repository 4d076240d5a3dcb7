import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
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
function handBuilt(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

/** One struct section for client 7 at clock 0 holding one item under root `root` (map key `key`). */
function oneItem(info: number, root: string, key: string | null, content: (e: encoding.Encoder) => void): Uint8Array {
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
function guard(bytes: Uint8Array): 'ok' | Error {
  try {
    assertValidUpdate(bytes);
    return 'ok';
  } catch (err) {
    return err as Error;
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Fails with the offending input if the guard threw anything but InvalidUpdateError. */
function expectOnlyInvalidUpdateError(bytes: Uint8Array, context: string): 'ok' | 'rejected' {
  const result = guard(bytes);
  if (result === 'ok') return 'ok';
  if (!(result instanceof InvalidUpdateError)) {
    throw new Error(`${context}: guard threw ${result.name}: ${result.message} for input ${hex(bytes)}`);
  }
  return 'rejected';
}

/** Best of `runs` timings in ms: one slow run on a loaded machine is noise; an allocation trap is slow every time. */
function bestTimeMs(fn: () => void, runs = 5): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** mulberry32: a tiny seeded PRNG, so a failing fuzz input can be reproduced from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_2024);

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
function timedApply(bytes: Uint8Array): number {
  const first = timedApplyOnce(bytes);
  if (first < APPLY_BUDGET_MS) return first;
  return Math.min(first, timedApplyOnce(bytes), timedApplyOnce(bytes));
}

/** Far below the 200-1,000 ms the allocation trap costs, far above a normal apply even on a loaded machine. */
const APPLY_BUDGET_MS = 100;

const VALID_CASES: Record<string, () => Uint8Array[]> = {
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
  'subdocuments': () =>
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

describe('assertValidUpdate', () => {
  describe('passes every update real Y.Docs produce', () => {
    for (const [name, make] of Object.entries(VALID_CASES)) {
      it(name, () => {
        const updates = make();
        expect(updates.length).toBeGreaterThan(0);
        for (const update of updates) {
          expect(() => assertValidUpdate(update), hex(update)).not.toThrow();
          // Sanity check of the case itself: Yjs accepts it too.
          const doc = new Y.Doc();
          expect(() => Y.applyUpdate(doc, update)).not.toThrow();
          doc.destroy();
        }
      });
    }

    it('the hand-built legacy JSON update is one Yjs really reads', () => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, VALID_CASES['legacy JSON content (written by old Yjs versions)']!()[0]!);
      expect(doc.getMap('legacy').get('k')).toEqual({ a: [1, 2] });
      doc.destroy();
    });
  });

  it('every truncation of a valid update either passes or throws InvalidUpdateError, quickly', () => {
    const updates = Object.values(VALID_CASES).flatMap((make) => make());
    let checked = 0;
    const start = performance.now();
    for (const update of updates) {
      for (let len = 0; len < update.length; len++) {
        expectOnlyInvalidUpdateError(update.subarray(0, len), `truncation to ${len} of ${update.length} bytes`);
        checked++;
      }
    }
    const elapsed = performance.now() - start;
    expect(checked).toBeGreaterThan(1000);
    // ~µs each; the bound only catches a guard that became super-linear or allocates per declared count.
    expect(elapsed / checked).toBeLessThan(2);
  });

  it('the empty buffer is rejected with InvalidUpdateError', () => {
    expect(() => assertValidUpdate(new Uint8Array(0))).toThrow(InvalidUpdateError);
  });

  it('single-byte corruptions of valid updates only ever throw InvalidUpdateError, and what passes applies in bounded time', () => {
    // A sample from each case (the last few updates, including full states) keeps the run to a few seconds.
    const updates = Object.values(VALID_CASES).flatMap((make) => make().slice(-12)).filter((u) => u.length < 200);
    for (const update of updates) {
      for (let pos = 0; pos < update.length; pos++) {
        for (const value of [0x00, 0xff, update[pos]! ^ 0x01]) {
          const corrupt = update.slice();
          corrupt[pos] = value;
          if (expectOnlyInvalidUpdateError(corrupt, `byte ${pos} set to ${value}`) === 'ok') {
            expect(timedApply(corrupt), `apply of ${hex(corrupt)}`).toBeLessThan(APPLY_BUDGET_MS);
          }
        }
      }
    }
  });

  describe('regression: yjs readClientsStructRefs allocates an array of the declared struct count before reading it', () => {
    const huge = 0xffff_fff; // 268M: Yjs would try `new Array(268435455)` and fill it.
    const hugeCases: Record<string, Uint8Array> = {
      'huge client count': handBuilt((e) => {
        encoding.writeVarUint(e, huge);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 0);
      }),
      'huge struct count (the allocation trap itself)': handBuilt((e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, huge);
        encoding.writeVarUint(e, 1); // client
        encoding.writeVarUint(e, 0); // clock
        encoding.writeUint8(e, 0); // one GC struct ...
        encoding.writeVarUint(e, 1);
      }),
      'huge struct count at max safe integer': handBuilt((e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, Number.MAX_SAFE_INTEGER);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 0);
      }),
      'huge struct count in the second client section': handBuilt((e) => {
        encoding.writeVarUint(e, 2);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 0);
        encoding.writeUint8(e, 0);
        encoding.writeVarUint(e, 3);
        encoding.writeVarUint(e, huge);
        encoding.writeVarUint(e, 2);
        encoding.writeVarUint(e, 0);
      }),
      'huge delete-set client count': handBuilt((e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, huge);
        encoding.writeVarUint(e, 1);
      }),
      'huge delete range count': handBuilt((e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 1); // client
        encoding.writeVarUint(e, huge);
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, 1);
      }),
      'huge JSON value count': oneItem(2, 'm', 'k', (e) => {
        encoding.writeVarUint(e, huge);
        encoding.writeVarString(e, '1');
      }),
      'huge Any value count': oneItem(8, 'm', 'k', (e) => {
        encoding.writeVarUint(e, huge);
        encoding.writeUint8(e, 120); // true
      }),
      'huge string length': oneItem(4, 'code', null, (e) => {
        encoding.writeVarUint(e, huge);
        encoding.writeUint8(e, 97);
      }),
      'huge binary length': oneItem(3, 'm', 'k', (e) => {
        encoding.writeVarUint(e, huge);
        encoding.writeUint8(e, 1);
      }),
      'huge Any array length': oneItem(8, 'm', 'k', (e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeUint8(e, 117); // array
        encoding.writeVarUint(e, huge);
        encoding.writeUint8(e, 120);
      }),
      'huge Any object size': oneItem(8, 'm', 'k', (e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeUint8(e, 118); // object
        encoding.writeVarUint(e, huge);
        encoding.writeVarString(e, 'k');
        encoding.writeUint8(e, 120);
      }),
    };

    for (const [name, bytes] of Object.entries(hugeCases)) {
      it(`${name}: ${bytes.length} bytes rejected with InvalidUpdateError in well under 10 ms`, () => {
        expect(bytes.length).toBeLessThan(32);
        expect(() => assertValidUpdate(bytes)).toThrow(InvalidUpdateError);
        expect(bestTimeMs(() => guard(bytes))).toBeLessThan(10);
      });
    }

    it('deeply nested Any values are rejected as InvalidUpdateError, not a stack overflow escaping', () => {
      const depth = 200_000;
      const bytes = oneItem(8, 'm', 'k', (e) => {
        encoding.writeVarUint(e, 1);
        for (let i = 0; i < depth; i++) {
          encoding.writeUint8(e, 117); // array of length 1 ...
          encoding.writeVarUint(e, 1);
        }
        encoding.writeUint8(e, 120);
      });
      expect(() => assertValidUpdate(bytes)).toThrow(InvalidUpdateError);
    });

    it('unknown content kinds and type refs are rejected', () => {
      for (const kind of [11, 20, 31]) {
        expect(() => assertValidUpdate(oneItem(kind, 'm', 'k', () => {})), `kind ${kind}`).toThrow(InvalidUpdateError);
      }
      const badTypeRef = oneItem(7, 'm', 'k', (e) => encoding.writeVarUint(e, 7));
      expect(() => assertValidUpdate(badTypeRef)).toThrow(InvalidUpdateError);
    });
  });

  describe(`seeded random input (seed ${FUZZ_SEED}; rerun with FUZZ_SEED=<n>)`, () => {
    it('random byte strings never throw anything but InvalidUpdateError; what passes applies in bounded time', () => {
      const random = prng(FUZZ_SEED);
      const start = performance.now();
      for (let n = 0; n < 20_000; n++) {
        const bytes = new Uint8Array(1 + Math.floor(random() * 64));
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
        // Almost none pass (the first byte must declare zero or few clients); those that do must apply cheaply.
        if (expectOnlyInvalidUpdateError(bytes, `seed ${FUZZ_SEED}, input #${n}`) === 'ok') {
          expect(timedApply(bytes), `seed ${FUZZ_SEED}, input #${n}: ${hex(bytes)}`).toBeLessThan(APPLY_BUDGET_MS);
        }
      }
      // Unguarded, ~1% of these would cost Yjs 200-1,000 ms each (40 s or more in all); guarded, under a second.
      expect(performance.now() - start).toBeLessThan(15_000);
    });

    it('random bodies behind a plausible header (reaching the struct and content readers) behave the same', () => {
      const random = prng(FUZZ_SEED ^ 0x9e37_79b9);
      const byte = (): number => Math.floor(random() * 256);
      let passed = 0;
      for (let n = 0; n < 20_000; n++) {
        const body = new Uint8Array(Math.floor(random() * 48));
        for (let i = 0; i < body.length; i++) body[i] = byte();
        const bytes = handBuilt((e) => {
          encoding.writeVarUint(e, 1 + Math.floor(random() * 2)); // clients
          // Struct count: usually small, sometimes absurd.
          encoding.writeVarUint(e, random() < 0.2 ? Math.floor(random() * 2 ** 31) : Math.floor(random() * 4));
          encoding.writeVarUint(e, byte()); // client
          encoding.writeVarUint(e, byte() % 4); // clock
          encoding.writeUint8Array(e, body);
        });
        if (expectOnlyInvalidUpdateError(bytes, `seed ${FUZZ_SEED}, header input #${n}`) === 'ok') {
          passed++;
          expect(timedApply(bytes), `seed ${FUZZ_SEED}, header input #${n}: ${hex(bytes)}`).toBeLessThan(APPLY_BUDGET_MS);
        }
      }
      expect(passed).toBeGreaterThan(0);
    });
  });
});
