import { UsernameTakenError } from './accounts.js';
import { RoomExistsError } from './store.js';

/**
 * The messages between a main-thread WorkerClient and a worker serving calls (worker-host.ts).
 * The worker first posts one WorkerReady; then it answers each WorkerCall, in order, with a WorkerAnswer.
 */
export interface WorkerCall {
  id: number;
  method: string;
  args: unknown[];
}

export type WorkerAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

export type WorkerReady = { ready: true } | { ready: false; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** RoomExistsError's room id. */
  roomId?: string;
  /** UsernameTakenError's username. */
  username?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const serialized: SerializedError = { name: err.name, message: err.message };
  if (err.stack !== undefined) serialized.stack = err.stack;
  if (err instanceof RoomExistsError) serialized.roomId = err.roomId;
  if (err instanceof UsernameTakenError) serialized.username = err.username;
  return serialized;
}

/** Re-create an error thrown in a worker, by name, so callers can still test it with instanceof. */
export function reviveError(serialized: SerializedError): Error {
  const error = reviveByName(serialized);
  // The worker's stack says where it failed; this thread's stack would only show the message port.
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}

function reviveByName({ name, message, roomId, username }: SerializedError): Error {
  switch (name) {
    case 'RoomExistsError':
      return new RoomExistsError(roomId ?? '');
    case 'UsernameTakenError':
      return new UsernameTakenError(username ?? '');
    case 'RangeError':
      return new RangeError(message);
    case 'TypeError':
      return new TypeError(message);
    default: {
      const error = new Error(message);
      error.name = name;
      return error;
    }
  }
}
