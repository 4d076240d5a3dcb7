import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as ywasm from 'ywasm';
import { CODE_TEXT, MESSAGE_SYNC } from '@pairwise/protocol';

/**
 * A y-websocket peer built on ywasm (yrs, the Rust implementation of Yjs), not on Yjs: its document
 * encodes and decodes every update itself. Only the sync messages are spoken (y-protocols' framing,
 * written here because y-protocols' helpers take a Yjs document); awareness and Pairwise's own
 * messages are ignored, as a minimal third-party client would.
 */
export class YwasmClient {
  readonly doc = new ywasm.YDoc({});
  readonly text: ywasm.YText = this.doc.getText(CODE_TEXT);
  /** Close codes the server sent, in order. */
  readonly closes: number[] = [];
  private readonly ws: WebSocket;
  private applyingServerUpdate = false;
  private synced = false;
  private destroyed = false;
  private readonly observer: ywasm.Observer;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'arraybuffer';
    this.ws.on('error', () => {});
    this.ws.on('close', (code) => this.closes.push(code));
    this.ws.on('open', () => this.sendSync(syncProtocol.messageYjsSyncStep1, ywasm.encodeStateVector(this.doc)));
    this.ws.on('message', (data: ArrayBuffer) => this.receive(new Uint8Array(data)));
    this.observer = this.doc.onUpdate((update: Uint8Array) => {
      if (!this.applyingServerUpdate) this.sendSync(syncProtocol.messageYjsUpdate, update);
    });
  }

  /** Whether the server answered this client's sync step 1. */
  get isSynced(): boolean {
    return this.synced;
  }

  toString(): string {
    return this.text.toString(undefined);
  }

  /** Closes the socket and frees the document's observer; repeats do nothing. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.observer.free();
    this.ws.close();
  }

  private receive(frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
    const step = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (step === syncProtocol.messageYjsSyncStep1) {
      this.sendSync(syncProtocol.messageYjsSyncStep2, ywasm.encodeStateAsUpdate(this.doc, payload));
      return;
    }
    this.applyingServerUpdate = true;
    try {
      ywasm.applyUpdate(this.doc, payload, 'server');
    } finally {
      this.applyingServerUpdate = false;
    }
    if (step === syncProtocol.messageYjsSyncStep2) this.synced = true;
  }

  /** A sync message (`step`: step 1, step 2 or update) as y-protocols frames it. */
  private sendSync(step: number, payload: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, step);
    encoding.writeVarUint8Array(encoder, payload);
    this.ws.send(encoding.toUint8Array(encoder));
  }
}
