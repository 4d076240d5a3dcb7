import type * as Y from 'yjs';

/** Transaction meta keys: a hook's failure, and a change whose sender must receive it too. */
export const HOOK_FAILURE = Symbol('hook-failure');
export const ECHO_TO_SENDER = Symbol('echo-to-sender');

/**
 * The server writes into a client's transaction (a fix the whole room must see). Applying a client's
 * update marked it remote; left so, Yjs would take the server's own insert in it for another client
 * using the server's id, and change that id each time. The sender must receive the fix too.
 */
export function takeOver(transaction: Y.Transaction): void {
  transaction.local = true;
  transaction.meta.set(ECHO_TO_SENDER, true);
}

/** Runs a hook inside a Yjs listener; its failure is kept on the transaction for transactAndReport. */
export function runHook(transaction: Y.Transaction, hook: () => void): void {
  try {
    hook();
  } catch (err) {
    if (!transaction.meta.has(HOOK_FAILURE)) transaction.meta.set(HOOK_FAILURE, err);
  }
}
