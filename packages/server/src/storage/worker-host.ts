import { getPriority, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { serializeError, type WorkerAnswer, type WorkerCall, type WorkerReady } from './worker-protocol.js';

/** What a worker serves: its methods by name, plus how to shut down before the thread ends. */
export interface CallHandler {
  readonly methods: Readonly<Record<string, (...args: never[]) => unknown>>;
  close(): Promise<void> | void;
}

/**
 * Worker side of WorkerClient: `open()` builds the handler (its failure is reported as the ready
 * answer), then calls are answered one at a time in arrival order. The `close` call shuts the
 * handler down and lets the thread end.
 */
export async function serveCalls(open: () => Promise<CallHandler>): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('serveCalls must run in a worker thread');
  yieldToEventLoop();
  let handler: CallHandler;
  try {
    handler = await open();
  } catch (err) {
    port.postMessage({ ready: false, error: serializeError(err) } satisfies WorkerReady);
    return;
  }
  port.postMessage({ ready: true } satisfies WorkerReady);
  let queue = Promise.resolve();
  port.on('message', (call: WorkerCall) => {
    queue = queue.then(async () => {
      const answer = await answerCall(handler, call);
      port.postMessage(answer.message, answer.transfer);
      if (call.method === 'close') port.close();
    });
  });
}

/**
 * Worker threads serve background work (storage, snapshots, priors). Where they share a core with
 * the event loop (a one-core container, a busy machine), a woken worker preempted the event loop:
 * posting a group commit to the SQLite worker took 2.0 ms (p50, 100 rooms) because the commit ran
 * before the call returned, and every keystroke arriving meanwhile waited (pair rooms' p95 2.1 ms
 * against 0.5 ms for an in-memory peer). Ten nice levels lower the post takes 0.46 ms; the worker
 * still gets about a tenth of a contended core (weight 110 against 1024), so storage is never
 * starved. Lowering is always permitted. Only Linux gives each thread its own nice value; elsewhere
 * pid 0 would mean the whole process.
 */
const NICE_LEVELS_BELOW_EVENT_LOOP = 10;

function yieldToEventLoop(): void {
  if (process.platform !== 'linux') return;
  setPriority(0, Math.min(19, getPriority(0) + NICE_LEVELS_BELOW_EVENT_LOOP));
}

async function answerCall(handler: CallHandler, call: WorkerCall): Promise<{ message: WorkerAnswer; transfer: ArrayBuffer[] }> {
  try {
    const method = call.method === 'close' ? () => handler.close() : handler.methods[call.method];
    if (method === undefined) throw new TypeError(`unknown worker method ${call.method}`);
    const value = await (method as (...args: unknown[]) => unknown)(...call.args);
    return { message: { id: call.id, ok: true, value }, transfer: transferablesOf(value) };
  } catch (err) {
    return { message: { id: call.id, ok: false, error: serializeError(err) }, transfer: [] };
  }
}

/**
 * Typed arrays that own their whole buffer move to the caller instead of being copied: the answer
 * itself, or the fields of an answer object (a decoded completion prior is a dozen such arrays).
 */
function transferablesOf(value: unknown): ArrayBuffer[] {
  const candidates = ArrayBuffer.isView(value) ? [value] : isPlainObject(value) ? Object.values(value) : [];
  const buffers = new Set<ArrayBuffer>();
  for (const candidate of candidates) {
    if (!ArrayBuffer.isView(candidate)) continue;
    const { buffer } = candidate;
    if (buffer instanceof ArrayBuffer && buffer.byteLength === candidate.byteLength) buffers.add(buffer);
  }
  return [...buffers];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
