import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { clientFrame } from './client-frames.js';
import type { Wire } from './ipc.js';
import { RawWebSocket } from './raw-websocket.js';
import type { Scope } from './scope.js';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
/** Hocuspocus only: authentication, and a sync answer that must not trigger another step 1. */
const HOCUSPOCUS_AUTH = 2;
const HOCUSPOCUS_SYNC_REPLY = 4;
const HOCUSPOCUS_AUTH_TOKEN = 0;
const HOCUSPOCUS_AUTHENTICATED = 2;

/** Marks transactions applied from the network, so they are not sent back. */
const REMOTE = Symbol('remote');

/**
 * A client that speaks the y-websocket sync and awareness protocol (or Hocuspocus' framing of it)
 * with a real Y.Doc, and nothing else: no reconnects, no awareness CRDT, no timers. A thousand
 * stock providers would spend more of the load generator's core than the server under test.
 * Awareness updates are encoded by hand (count, client id, clock, JSON state), as y-protocols does.
 * Its WebSocket is the bench's own (raw-websocket.ts), cheaper per frame than `ws`, and several
 * messages can leave in one write.
 */
export class ThinClient {
  readonly doc = new Y.Doc();
  readonly text: Y.Text = this.doc.getText(CODE_TEXT);
  /** The server's document has been received (sync step 2). */
  synced = false;
  /** Time this process spent decoding and applying the last sync step 2, ms: the client's part of a join. */
  step2ApplyMs = 0;
  /** Size of the message that carried the last sync step 2, bytes. */
  step2Bytes = 0;
  awarenessReceived = 0;
  private readonly ws: RawWebSocket;
  private awarenessClock = 0;
  /** Updates kept instead of applied (see keepUpdates), received and sent, in order. */
  private kept: Uint8Array[] | null = null;
  private onKept: (from: Map<number, number>, to: Map<number, number>) => void = () => {};
  /** Resolved at the next sync step 2 this client applies. */
  private readonly step2Waiters: Array<() => void> = [];

  constructor(
    url: string,
    private readonly room: string,
    private readonly wire: Wire,
    scope: Scope,
  ) {
    this.ws = new RawWebSocket(url, {
      open: () => (wire === 'hocuspocus' ? this.sendAuth() : this.sendHello()),
      message: (data) => this.receive(data),
      close: () => {},
    });
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.sendFrames(clientFrame(this.updateMessage(update)));
    });
    scope.defer(() => {
      this.ws.terminate();
      this.doc.destroy();
    });
  }

  get open(): boolean {
    return this.ws.state === 'open';
  }

  get closed(): boolean {
    return this.ws.state === 'closed';
  }

  /** Closes the socket and frees the document now rather than when the scope closes. */
  close(): void {
    this.ws.terminate();
    this.doc.destroy();
  }

  /** Resolves once the server's document has been received and applied (sync step 2). */
  whenSynced(): Promise<void> {
    return this.synced ? Promise.resolve() : this.nextStep2();
  }

  /**
   * Sends sync step 1 again and resolves at the server's answer. A server handles one connection's
   * messages in order, so the answer means it has applied everything this client sent before.
   */
  resync(): Promise<void> {
    const answered = this.nextStep2();
    this.sendSyncStep1();
    return answered;
  }

  private nextStep2(): Promise<void> {
    return new Promise<void>((resolve) => this.step2Waiters.push(resolve));
  }

  /** Presence as an editor publishes it on every cursor move: one awareness message. */
  sendAwareness(state: Record<string, unknown>): void {
    this.sendFrames(clientFrame(this.awarenessMessage(state)));
  }

  /**
   * An awareness message for later (a prepared keystroke's cursor). It takes the next awareness
   * clock now: prepared messages must be sent in the order they were made, and before any other.
   */
  awarenessMessage(state: Record<string, unknown>): Uint8Array {
    const encoder = this.encoder(MESSAGE_AWARENESS);
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 1);
    encoding.writeVarUint(update, this.doc.clientID);
    encoding.writeVarUint(update, ++this.awarenessClock);
    encoding.writeVarString(update, JSON.stringify(state));
    encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update));
    return encoding.toUint8Array(encoder);
  }

  /** A sync-update message carrying `update`. */
  updateMessage(update: Uint8Array): Uint8Array {
    const encoder = this.encoder(MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    return encoding.toUint8Array(encoder);
  }

  /**
   * Runs `send` with the socket corked, so the messages it sends (a keystroke's update and its
   * cursor, as an editor sends them in one turn) leave in one write.
   */
  together(send: () => void): void {
    this.ws.cork();
    try {
      send();
    } finally {
      this.ws.uncork();
    }
  }

  /** Frames made beforehand (client-frames.ts), in one write. */
  sendFrames(frames: Uint8Array): void {
    this.ws.write(frames);
  }

  /**
   * From now on, received updates are kept rather than applied to the Y.Doc, and the Yjs clock
   * range each one carries is passed to `onArrival` when it lands: a receiver at a fraction of the
   * cost of integrating every update, so the load generator is not what saturates first.
   * `applyKeptUpdates` brings the doc up to date for the end-of-run check.
   */
  keepUpdates(onArrival: (from: Map<number, number>, to: Map<number, number>) => void): void {
    this.kept = [];
    this.onKept = onArrival;
  }

  applyKeptUpdates(): void {
    const kept = this.kept;
    this.kept = null;
    if (!kept) return;
    // One transaction, not Y.mergeUpdates: merging is superlinear in the update count (yjs #710).
    Y.transact(
      this.doc,
      () => {
        for (const update of kept) Y.applyUpdate(this.doc, update, REMOTE);
      },
      REMOTE,
    );
  }

  /**
   * Sends a prepared keystroke: `frames` (its update's message and any other, framed beforehand)
   * in one write; `update` is kept with the received ones if keeping, to be applied after the run.
   */
  sendPrepared(update: Uint8Array, frames: Uint8Array): void {
    this.kept?.push(update);
    this.sendFrames(frames);
  }

  /** Sync step 1 and initial presence, as a provider sends them once connected. */
  private sendHello(): void {
    this.sendSyncStep1();
    this.sendAwareness({ user: { name: `user-${this.doc.clientID}` } });
  }

  private sendSyncStep1(): void {
    const encoder = this.encoder(MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.send(encoder);
  }

  /** Hocuspocus processes nothing for a document before its auth message (an empty token here). */
  private sendAuth(): void {
    const encoder = this.encoder(HOCUSPOCUS_AUTH);
    encoding.writeVarUint(encoder, HOCUSPOCUS_AUTH_TOKEN);
    encoding.writeVarString(encoder, '');
    this.send(encoder);
  }

  private encoder(type: number): encoding.Encoder {
    const encoder = encoding.createEncoder();
    if (this.wire === 'hocuspocus') encoding.writeVarString(encoder, this.room);
    encoding.writeVarUint(encoder, type);
    return encoder;
  }

  private send(encoder: encoding.Encoder): void {
    this.sendFrames(clientFrame(encoding.toUint8Array(encoder)));
  }

  /** One message from the server: `data` is a view into a buffer reused for the next read. */
  private receive(data: Buffer): void {
    let decoder = decoding.createDecoder(data);
    if (this.wire === 'hocuspocus') decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC && this.kept && this.keep(decoder)) return;
    if (type === MESSAGE_SYNC || (this.wire === 'hocuspocus' && type === HOCUSPOCUS_SYNC_REPLY)) {
      // Yjs may hold on to parts of what it applies: give it a copy.
      const { pos } = decoder;
      decoder = decoding.createDecoder(new Uint8Array(data));
      decoder.pos = pos;
      const reply = this.encoder(MESSAGE_SYNC);
      const headerLength = encoding.length(reply);
      const started = performance.now();
      const syncType = syncProtocol.readSyncMessage(decoder, reply, this.doc, REMOTE);
      if (syncType === syncProtocol.messageYjsSyncStep2) {
        this.step2ApplyMs = performance.now() - started;
        this.step2Bytes = data.byteLength;
        this.synced = true;
        for (const resolve of this.step2Waiters.splice(0)) resolve();
      }
      if (encoding.length(reply) > headerLength) this.send(reply);
    } else if (type === MESSAGE_AWARENESS) {
      this.awarenessReceived++;
    } else if (this.wire === 'hocuspocus' && type === HOCUSPOCUS_AUTH) {
      if (decoding.readVarUint(decoder) === HOCUSPOCUS_AUTHENTICATED) this.sendHello();
    }
  }

  /** Keeps the update of a sync-update message; false (decoder untouched) for any other sync message. */
  private keep(decoder: decoding.Decoder): boolean {
    const start = decoder.pos;
    if (decoding.readVarUint(decoder) !== syncProtocol.messageYjsUpdate) {
      decoder.pos = start;
      return false;
    }
    // Copied: the frame's buffer may be a slice of a larger one that ws reuses.
    const update = decoding.readVarUint8Array(decoder).slice();
    this.kept?.push(update);
    const { from, to } = Y.parseUpdateMeta(update);
    this.onKept(from, to);
    return true;
  }
}
