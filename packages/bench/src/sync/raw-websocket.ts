import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { clientFrame, OPCODE } from './client-frames.js';

/*
 * The load generator's WebSocket client (RFC 6455, no extensions), written by hand because on
 * 2 cores the generator needs about as much CPU per update as the server it drives, and a profile
 * of it under the saturation climb showed Node allocating (malloc, then realloc and free) a 64 KB
 * buffer for every read of every socket, then `ws` parsing each frame through a stream. Here every
 * socket reads into one shared buffer (`onread`), frames are parsed in place and handed over as
 * views, and the client writes frames made beforehand (client-frames.ts). Only the bench uses it.
 */

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADER_END = Buffer.from('\r\n\r\n');
/** Every socket reads into this one buffer: each read is handled before the next (one thread). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const CLOSE_NORMAL = 1000;
const CLOSE_NO_STATUS = 1005;
const CLOSE_ABNORMAL = 1006;

export interface RawWebSocketEvents {
  open(): void;
  /** A binary message. The view is only valid during the call: copy what you keep. */
  message(data: Buffer): void;
  /** The connection ended: the server's close code, or 1006 when it was cut or the handshake failed. */
  close(code: number): void;
}

type State = 'connecting' | 'open' | 'closed';

export class RawWebSocket {
  state: State = 'connecting';
  private readonly socket: Socket;
  private readonly key = randomBytes(16).toString('base64');
  /** Received bytes not handled yet (part of the handshake or of a frame), copied out of the read buffer. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** How many bytes, pending included, the next step needs before it can run. */
  private needed = 0;
  /** A fragmented message's parts so far, and whether it is binary. */
  private fragments: { parts: Buffer[]; binary: boolean } | null = null;

  constructor(
    url: string,
    private readonly events: RawWebSocketEvents,
  ) {
    const { hostname, port, pathname, search, host } = new URL(url);
    this.socket = connect({
      host: hostname,
      port: Number(port) || 80,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes: number) => {
          this.received(READ_BUFFER.subarray(0, bytes));
          return true; // keep reading
        },
      },
    });
    this.socket.on('connect', () =>
      this.socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${this.key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    this.socket.on('error', () => {});
    this.socket.on('close', () => this.ended(CLOSE_ABNORMAL));
  }

  /** Writes frames made by client-frames.ts; nothing once the connection is not open. */
  write(frames: Uint8Array): void {
    if (this.state === 'open') this.socket.write(frames);
  }

  /** Holds writes until `uncork`, so they leave in one system call. */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  /** Ends the connection at once, without a closing handshake. */
  terminate(): void {
    this.socket.destroy();
    this.ended(CLOSE_ABNORMAL);
  }

  private received(chunk: Buffer): void {
    if (this.pendingBytes + chunk.length < this.needed) {
      this.keepPending(chunk);
      return;
    }
    const data = this.pendingBytes === 0 ? chunk : Buffer.concat([...this.pending, chunk]);
    this.pending = [];
    this.pendingBytes = 0;
    const handled = this.handle(data);
    if (handled < data.length && this.state !== 'closed') this.keepPending(data.subarray(handled));
  }

  private keepPending(bytes: Buffer): void {
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
  }

  /** Handles what `data` holds completely; returns how many bytes that was, and sets `needed` for the rest. */
  private handle(data: Buffer): number {
    this.needed = 0;
    let at = 0;
    if (this.state === 'connecting') {
      at = this.handshake(data);
      if (at === 0) return 0;
    }
    while (this.state === 'open') {
      const next = this.frame(data, at);
      if (next === null) return at;
      at = next;
    }
    return at;
  }

  /** Reads the server's answer to the upgrade; returns the bytes it took (0: not all here yet). */
  private handshake(data: Buffer): number {
    const end = data.indexOf(HEADER_END);
    if (end < 0) {
      this.needed = data.length + 1;
      return 0;
    }
    const head = data.toString('latin1', 0, end);
    const accept = createHash('sha1')
      .update(this.key + HANDSHAKE_GUID)
      .digest('base64');
    if (!head.startsWith('HTTP/1.1 101 ') || !head.split('\r\n').some((line) => headerValue(line, 'sec-websocket-accept') === accept)) {
      this.socket.destroy();
      this.ended(CLOSE_ABNORMAL);
      return 0;
    }
    this.state = 'open';
    this.events.open();
    return end + HEADER_END.length;
  }

  /** Handles the frame at `at`; returns where the next one starts, or null (and `needed`) when it is not all here. */
  private frame(data: Buffer, at: number): number | null {
    const available = data.length - at;
    if (available < 2) return this.need(2);
    const first = data[at] ?? 0;
    const second = data[at + 1] ?? 0;
    let start = at + 2;
    let length = second & 0x7f;
    if (length === 126) {
      if (available < 4) return this.need(4);
      length = data.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (available < 10) return this.need(10);
      length = Number(data.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > data.length) return this.need(start + length - at);
    if (second & 0x80) {
      // A server must not mask its frames (RFC 6455 5.1): fail the connection, as ws does.
      this.terminate();
      return null;
    }
    this.dispatch((first & 0x80) !== 0, first & 0x0f, data.subarray(start, start + length));
    return start + length;
  }

  /** The frame at hand is not all here: the leftover (from its first byte) must reach `bytes`. */
  private need(bytes: number): null {
    this.needed = bytes;
    return null;
  }

  private dispatch(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OPCODE.binary:
      case OPCODE.text:
        if (fin) {
          if (opcode === OPCODE.binary) this.events.message(payload);
        } else {
          this.fragments = { parts: [Buffer.from(payload)], binary: opcode === OPCODE.binary };
        }
        return;
      case OPCODE.continuation:
        this.fragments?.parts.push(Buffer.from(payload));
        if (fin && this.fragments) {
          const { parts, binary } = this.fragments;
          this.fragments = null;
          if (binary) this.events.message(Buffer.concat(parts));
        }
        return;
      case OPCODE.ping:
        this.socket.write(clientFrame(payload, OPCODE.pong));
        return;
      case OPCODE.close: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : CLOSE_NO_STATUS;
        const echo = Buffer.alloc(2);
        echo.writeUInt16BE(code === CLOSE_NO_STATUS ? CLOSE_NORMAL : code);
        this.socket.end(clientFrame(echo, OPCODE.close));
        this.ended(code);
        return;
      }
    }
  }

  private ended(code: number): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.events.close(code);
  }
}

function headerValue(line: string, name: string): string | null {
  const colon = line.indexOf(':');
  return colon > 0 && line.slice(0, colon).trim().toLowerCase() === name ? line.slice(colon + 1).trim() : null;
}
