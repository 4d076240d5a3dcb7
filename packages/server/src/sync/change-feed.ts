import type * as Y from 'yjs';
import { NO_STRUCTS } from './state-vectors.js';

/** How Yjs hands a document's change to an 'update' listener. */
export type ChangeListener = (update: Uint8Array, origin: unknown, doc: Y.Doc, transaction: Y.Transaction) => void;

const APPLIED_AS_SENT = Symbol('applied-as-sent');

/** A client's update a transaction applied exactly as sent, and the one client whose structs it carries. */
interface AppliedAsSent {
  update: Uint8Array;
  /** NO_STRUCTS when the update only deletes. */
  client: number;
}

/**
 * Hands each change of a document to one listener as a Yjs update, once per transaction, as an
 * 'update' listener gets it. A transaction marked `appliedAsSent` gives the client's own bytes;
 * any other gives what Yjs encodes of the transaction (only what was new, and the server's fixes).
 *
 * Why: Yjs encodes every transaction's change again while the document has an 'update' listener,
 * in an encoder it allocates off V8's heap each time. For a keystroke that is the update the client
 * just sent, byte for byte: encoding it again was a sixth of the room engine's CPU per keystroke
 * (bench/profiling/room-engine.mjs, issue 9). Yjs checks for the listener right after
 * 'afterTransactionCleanup', so the listener is put there only for the transactions that need it.
 */
export class ChangeFeed {
  constructor(
    private readonly doc: Y.Doc,
    private readonly listener: ChangeListener,
  ) {
    doc.on('afterTransactionCleanup', this.transactionEnded);
  }

  /** `transaction` applied `update` (from `client`, or NO_STRUCTS) as sent: all of it new, all of it applied, nothing else changed. */
  appliedAsSent(transaction: Y.Transaction, update: Uint8Array, client: number): void {
    const applied: AppliedAsSent = { update, client };
    transaction.meta.set(APPLIED_AS_SENT, applied);
  }

  destroy(): void {
    this.doc.off('afterTransactionCleanup', this.transactionEnded);
    this.doc.off('update', this.listener);
  }

  private readonly transactionEnded = (transaction: Y.Transaction): void => {
    const applied = transaction.meta.get(APPLIED_AS_SENT) as AppliedAsSent | undefined;
    if (applied === undefined) {
      this.doc.on('update', this.listener);
      return;
    }
    this.doc.off('update', this.listener);
    // A change was made, as Yjs decides it: a deletion, or the sender's clock moved.
    const { client } = applied;
    const changed =
      transaction.deleteSet.clients.size > 0 ||
      (client !== NO_STRUCTS && transaction.afterState.get(client) !== transaction.beforeState.get(client));
    if (changed) this.listener(applied.update, transaction.origin, this.doc, transaction);
  };
}
