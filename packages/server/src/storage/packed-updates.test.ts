import { describe, expect, it } from 'vitest';
import { packRoomWrites, transferablesOf, unpackRoomWrites } from './packed-updates.js';
import type { RoomWrite } from './store.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('packRoomWrites', () => {
  it('gives back every room write with its own updates, in order, meta and empty rooms included', () => {
    const writes: RoomWrite[] = [
      { roomId: 'a', incarnation: 'i-a', updates: [bytes(1, 2), bytes(3)] },
      { roomId: 'b', incarnation: 'i-b', updates: [], meta: { name: 'renamed' } },
      { roomId: 'c', incarnation: 'i-c', updates: [bytes(), bytes(4, 5, 6)] },
    ];
    const packed = packRoomWrites(writes);
    expect(packed.updates.bytes.byteLength).toBe(6);
    const unpacked = structuredClone(packed, { transfer: transferablesOf(packed.updates) });
    expect(unpackRoomWrites(unpacked)).toEqual(writes);
  });
});
