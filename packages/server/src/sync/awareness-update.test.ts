import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { InvalidAwarenessError, decodeAwarenessUpdate, encodeAwarenessEntries, type AwarenessEntry } from './awareness-update.js';

/** An Awareness with a fixed client id, so tests can name entries. */
function awarenessFor(clientId: number): awarenessProtocol.Awareness {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  return awareness;
}

function destroy(awareness: awarenessProtocol.Awareness): void {
  awareness.destroy();
  awareness.doc.destroy();
}

/** Hand-built update: entries written exactly as given, valid or not. */
function rawUpdate(entries: readonly [clientId: number, clock: number, stateJson: string][], declaredCount = entries.length): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, declaredCount);
  for (const [clientId, clock, json] of entries) {
    encoding.writeVarUint(e, clientId);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, json);
  }
  return encoding.toUint8Array(e);
}

describe('decodeAwarenessUpdate / encodeAwarenessEntries', () => {
  it('round trip: decodes what y-protocols encodes, and re-encoding gives back the same bytes', () => {
    const a = awarenessFor(101);
    const b = awarenessFor(202);
    a.setLocalState({ user: { name: 'Ada', color: '#112233' }, cursor: { anchor: 3, head: 5 } });
    b.setLocalState({ user: { name: 'Bob ✓ \u{1F600}', color: '#abcdef' } });
    b.setLocalStateField('typing', 1_700_000_000_000);
    // b's update carries a's entry too once b has seen it.
    awarenessProtocol.applyAwarenessUpdate(b, awarenessProtocol.encodeAwarenessUpdate(a, [101]), 'test');
    const update = awarenessProtocol.encodeAwarenessUpdate(b, [101, 202]);

    const entries = decodeAwarenessUpdate(update);
    expect(entries).toEqual<AwarenessEntry[]>([
      { clientId: 101, clock: 1, stateJson: JSON.stringify(a.getLocalState()), state: a.getLocalState(), removed: false },
      { clientId: 202, clock: 2, stateJson: JSON.stringify(b.getLocalState()), state: b.getLocalState(), removed: false },
    ]);
    expect(encodeAwarenessEntries(entries)).toEqual(update);

    // And y-protocols accepts the re-encoded bytes as the same update.
    const c = awarenessFor(303);
    awarenessProtocol.applyAwarenessUpdate(c, encodeAwarenessEntries(entries), 'test');
    expect(c.getStates().get(101)).toEqual(a.getLocalState());
    expect(c.getStates().get(202)).toEqual(b.getLocalState());
    [a, b, c].forEach(destroy);
  });

  it('a subset of entries re-encodes to an update y-protocols applies (what the room forwards after filtering)', () => {
    const update = rawUpdate([
      [1, 4, '{"user":{"name":"one","color":"#000000"}}'],
      [2, 9, '{"x":1}'],
    ]);
    const [first] = decodeAwarenessUpdate(update);
    const target = awarenessFor(99);
    target.setLocalState(null);
    awarenessProtocol.applyAwarenessUpdate(target, encodeAwarenessEntries([first!]), 'test');
    expect([...target.getStates().keys()].sort()).toEqual([1]);
    expect(awarenessProtocol.encodeAwarenessUpdate(target, [1])).toEqual(rawUpdate([[1, 4, first!.stateJson]]));
    destroy(target);
  });

  it('null states (a client leaving) decode as removed and round-trip', () => {
    const a = awarenessFor(7);
    a.setLocalState({ user: { name: 'Ada', color: '#112233' } });
    a.setLocalState(null);
    const update = awarenessProtocol.encodeAwarenessUpdate(a, [7]);
    const entries = decodeAwarenessUpdate(update);
    expect(entries).toEqual([{ clientId: 7, clock: 2, stateJson: 'null', state: null, removed: true }]);
    expect(encodeAwarenessEntries(entries)).toEqual(update);
    destroy(a);
  });

  it('an empty update decodes to no entries', () => {
    expect(decodeAwarenessUpdate(rawUpdate([]))).toEqual([]);
    expect(encodeAwarenessEntries([])).toEqual(rawUpdate([]));
  });

  it('keeps large client ids and clocks exactly', () => {
    const update = rawUpdate([[2 ** 32 - 1, 2 ** 40, '{}']]);
    expect(decodeAwarenessUpdate(update)).toEqual([{ clientId: 2 ** 32 - 1, clock: 2 ** 40, stateJson: '{}', state: {}, removed: false }]);
  });

  describe('rejects states that are not a JSON object or null', () => {
    for (const json of ['5', '"text"', 'true', 'false', '[1,2]', '[]', '0']) {
      it(`state ${json}`, () => {
        expect(() => decodeAwarenessUpdate(rawUpdate([[1, 1, json]]))).toThrow(InvalidAwarenessError);
      });
    }

    it('one bad entry rejects the whole update (nothing half-applied)', () => {
      expect(() =>
        decodeAwarenessUpdate(
          rawUpdate([
            [1, 1, '{}'],
            [2, 1, '"spoof"'],
          ]),
        ),
      ).toThrow(InvalidAwarenessError);
    });
  });

  describe('rejects malformed bytes with InvalidAwarenessError (never another error type)', () => {
    const valid = rawUpdate([
      [1, 1, '{"user":{"name":"a","color":"#000000"}}'],
      [2, 3, 'null'],
    ]);
    const cases: Record<string, Uint8Array> = {
      'empty buffer': new Uint8Array(0),
      'count larger than the entries present': rawUpdate([[1, 1, '{}']], 2),
      'huge count with no entries': rawUpdate([], 0xffff_ffff),
      'state is not JSON': rawUpdate([[1, 1, '{not json']]),
      'state is empty string': rawUpdate([[1, 1, '']]),
      'state string length past the end': Uint8Array.from([1, 1, 1, 100, 0x7b, 0x7d]),
      'unterminated varint': Uint8Array.from([0xff, 0xff, 0xff]),
      'integer out of range': Uint8Array.from([1, ...new Array<number>(12).fill(0xff), 0x01, 1, 2, 0x7b, 0x7d]),
      'invalid UTF-8 in the state': Uint8Array.from([1, 1, 1, 3, 0xff, 0xfe, 0xfd]),
    };
    for (let len = 0; len < valid.length; len++) cases[`truncated to ${len} of ${valid.length} bytes`] = valid.subarray(0, len);

    for (const [name, bytes] of Object.entries(cases)) {
      it(name, () => {
        let error: unknown = null;
        try {
          decodeAwarenessUpdate(bytes);
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(InvalidAwarenessError);
      });
    }
  });
});
