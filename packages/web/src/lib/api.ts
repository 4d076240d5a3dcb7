import type { ApiError, CreateRoomBody, RoomDetails, RoomList, RoomSummary, UpdateRoomBody } from '@pairwise/protocol';
import { isRecord } from './storage';

/** A failed API call. `status` is 0 when the server could not be reached at all. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = code;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClient {
  createRoom(body: CreateRoomBody): Promise<RoomSummary>;
  getRoom(id: string, signal?: AbortSignal): Promise<RoomDetails>;
  listRooms(query?: { limit?: number; cursor?: string }): Promise<RoomList>;
  updateRoom(id: string, body: UpdateRoomBody): Promise<RoomSummary>;
  deleteRoom(id: string): Promise<void>;
}

function isApiError(value: unknown): value is ApiError {
  if (!isRecord(value) || !isRecord(value.error)) return false;
  return typeof value.error.code === 'string' && typeof value.error.message === 'string';
}

async function errorFromResponse(res: Response): Promise<ApiRequestError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    // A proxy's HTML error page, or an empty body: fall back to the status line.
  }
  if (isApiError(body)) return new ApiRequestError(res.status, body.error.code, body.error.message);
  const text = res.statusText || 'Request failed';
  return new ApiRequestError(res.status, `http_${res.status}`, `${text} (HTTP ${res.status})`);
}

export function createApiClient(options: { baseUrl?: string; fetch?: FetchLike } = {}): ApiClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  // Looked up per call, not captured, so a test or polyfill installed later is honoured.
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const init: RequestInit = { method, headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    }
    if (signal) init.signal = signal;
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${path}`, init);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ApiRequestError(0, 'network_error', 'Could not reach the Pairwise server.');
    }
    if (!res.ok) throw await errorFromResponse(res);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  const roomPath = (id: string) => `/api/rooms/${encodeURIComponent(id)}`;

  return {
    createRoom: (body) => request<RoomSummary>('POST', '/api/rooms', body),
    getRoom: (id, signal) => request<RoomDetails>('GET', roomPath(id), undefined, signal),
    listRooms: (query = {}) => {
      const params = new URLSearchParams();
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.cursor !== undefined) params.set('cursor', query.cursor);
      const qs = params.toString();
      return request<RoomList>('GET', qs ? `/api/rooms?${qs}` : '/api/rooms');
    },
    updateRoom: (id, body) => request<RoomSummary>('PATCH', roomPath(id), body),
    deleteRoom: async (id) => {
      await request<unknown>('DELETE', roomPath(id));
    },
  };
}
