import * as ws from 'ws';

/** `ws`'s frame builder: exported at runtime (`ws.Sender`), though @types/ws does not declare it. */
interface FrameBuilder {
  frame(data: Uint8Array, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Uint8Array[];
}
const { Sender } = ws as unknown as { Sender: FrameBuilder };
const BINARY_OPCODE = 2;

/**
 * WebSocket frames for messages sent to many sockets. A room relays each keystroke to everyone in
 * it; `ws.send` would frame the same bytes again for each socket (a header, a Buffer view, two
 * writes). Here a message is framed once, by `ws`'s own frame builder, and the same bytes are
 * written to every socket. The last message is remembered: a broadcast sends one message to
 * every socket in a row. Server frames are never masked; compression is off on this endpoint.
 */
export class WireFrames {
  private lastMessage: Uint8Array | null = null;
  private lastFrame: Uint8Array = new Uint8Array(0);

  of(message: Uint8Array): Uint8Array {
    if (message !== this.lastMessage) {
      const parts = Sender.frame(message, { fin: true, opcode: BINARY_OPCODE, mask: false, readOnly: false, rsv1: false });
      this.lastFrame = Buffer.concat(parts);
      this.lastMessage = message;
    }
    return this.lastFrame;
  }
}
