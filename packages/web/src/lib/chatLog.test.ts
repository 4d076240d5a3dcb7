import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@pairwise/protocol';
import { mergeChat, readChatMessage } from './chatLog';

const message = (seq: number, text = `m${seq}`): ChatMessage => ({
  id: `id-${seq}`,
  seq,
  at: '2026-12-01T13:00:00.000Z',
  author: { id: 'guest:g', name: 'Ada', color: '#5b5bd6' },
  text,
});

const decoderOf = (payload: string): decoding.Decoder => {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, payload);
  return decoding.createDecoder(encoding.toUint8Array(encoder));
};

describe('mergeChat', () => {
  it('orders by seq and keeps each message once', () => {
    const merged = mergeChat([message(3), message(5)], [message(1), message(5), message(4)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 3, 4, 5]);
  });
});

describe('readChatMessage', () => {
  it('reads a valid message', () => {
    expect(readChatMessage(decoderOf(JSON.stringify(message(2))))).toEqual(message(2));
  });

  it('refuses broken JSON, wrong shapes and missing payloads', () => {
    expect(readChatMessage(decoderOf('{'))).toBeNull();
    expect(readChatMessage(decoderOf(JSON.stringify({ ...message(2), author: { name: 'x' } })))).toBeNull();
    expect(readChatMessage(decoderOf(JSON.stringify({ ...message(2), text: '' })))).toBeNull();
    expect(readChatMessage(decoding.createDecoder(new Uint8Array()))).toBeNull();
  });
});
