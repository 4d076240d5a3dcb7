import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { WireFrames } from './wire-frames.js';

/** `ws`'s frame parser: exported at runtime, not declared by @types/ws. */
interface FrameReader {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  write(bytes: Buffer): void;
}
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean }) => FrameReader };

/** What a `ws` client's receiver makes of `bytes`: the messages in them, binary or not. */
function receive(bytes: Uint8Array): { data: Buffer; isBinary: boolean }[] {
  const receiver = new Receiver({ isServer: false });
  const messages: { data: Buffer; isBinary: boolean }[] = [];
  receiver.on('message', (data: Buffer, isBinary: boolean) => messages.push({ data, isBinary }));
  receiver.write(Buffer.from(bytes));
  return messages;
}

describe('WireFrames', () => {
  it('frames messages of every length class (7-bit, 16-bit, 64-bit) as a ws client reads them', () => {
    const frames = new WireFrames();
    for (const size of [0, 1, 125, 126, 65_535, 65_536, 200_000]) {
      const message = Uint8Array.from({ length: size }, (_, i) => i % 251);
      const [received] = receive(frames.of(message));
      expect(received?.isBinary).toBe(true);
      expect(received?.data.equals(Buffer.from(message)), `size ${size}`).toBe(true);
    }
  });

  it('frames a message once for a broadcast, and a new message anew', () => {
    const frames = new WireFrames();
    const first = Uint8Array.of(0, 2, 1, 9);
    expect(frames.of(first)).toBe(frames.of(first));
    const second = Uint8Array.of(0, 2, 1, 9);
    const framed = frames.of(second);
    expect(framed).not.toBe(frames.of(first));
    expect(receive(Buffer.concat([frames.of(first), framed])).map((m) => [...m.data])).toEqual([
      [0, 2, 1, 9],
      [0, 2, 1, 9],
    ]);
  });
});
