import { describe, expect, it } from 'vitest';
import { packRoomWrites, roomWriteTransferables, unpackRoomWrites } from './packed-updates.js';
import type { RoomWrite } from './store.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const ada = { id: 'ada', name: 'Ada', color: '#123456' };

describe('packRoomWrites', () => {
  it('gives back every room write with its own updates, in order, meta, authors and empty rooms included', () => {
    const writes: RoomWrite[] = [
      { roomId: 'a', incarnation: 'i-a', updates: [bytes(1, 2), bytes(3)], acceptedAt: [10, 11], authorIds: ['ada', null], authors: [ada] },
      { roomId: 'b', incarnation: 'i-b', updates: [], acceptedAt: [], authorIds: [], meta: { name: 'renamed' } },
      { roomId: 'c', incarnation: 'i-c', updates: [bytes(), bytes(4, 5, 6)], acceptedAt: [12, 13], authorIds: [null, 'ada'] },
    ];
    const packed = packRoomWrites(writes, 99);
    expect(packed.updates.bytes.byteLength).toBe(6);
    const posted = structuredClone(packed, { transfer: roomWriteTransferables(packed) });
    expect(unpackRoomWrites(posted)).toEqual(writes);
  });

  it("fills in what a write leaves to the store's defaults: the commit's time, no author", () => {
    const packed = packRoomWrites([{ roomId: 'a', incarnation: 'i-a', updates: [bytes(1), bytes(2)] }], 99);
    expect(unpackRoomWrites(packed)).toEqual([
      { roomId: 'a', incarnation: 'i-a', updates: [bytes(1), bytes(2)], acceptedAt: [99, 99], authorIds: [null, null] },
    ]);
  });

  it('sets authors and settings aside only for the rooms that carry them', () => {
    const packed = packRoomWrites(
      [
        { roomId: 'a', incarnation: 'i-a', updates: [bytes(1)], authors: [] },
        { roomId: 'b', incarnation: 'i-b', updates: [bytes(2)], authors: [ada] },
      ],
      99,
    );
    expect(packed.extras).toEqual([{ room: 1, authors: [ada], meta: undefined }]);
  });
});
