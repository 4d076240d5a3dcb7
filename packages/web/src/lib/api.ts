import type {
  ApiError,
  AuthAnswer,
  ChatMessage,
  ChatPage,
  CreateLinkBody,
  CreateRoomBody,
  CreatedRoom,
  CreatedShareLink,
  CredentialsBody,
  MeAnswer,
  MemberInfo,
  RoomDetails,
  RoomList,
  RoomRole,
  RoomSummary,
  RunList,
  ServerCapabilities,
  ServerRunLanguage,
  ShareLinkInfo,
  TimelinePage,
  TimelineText,
  UpdateRoomBody,
  VersionDetails,
  VersionList,
  VersionSummary,
} from '@pairwise/protocol';
import { credentialHeaders } from './roomCredentials';
import type { RoomCredentials } from './roomCredentials';
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

/** How a call about one room proves the caller's role besides the session cookie. */
export interface RoomCallOptions {
  credentials?: RoomCredentials;
  signal?: AbortSignal;
}

export interface ApiClient {
  createRoom(body: CreateRoomBody): Promise<CreatedRoom>;
  getRoom(id: string, options?: RoomCallOptions): Promise<RoomDetails>;
  /** Only the caller's rooms: owned or shared with them as a member. */
  listRooms(query?: { limit?: number; cursor?: string }): Promise<RoomList>;
  updateRoom(id: string, body: UpdateRoomBody, options?: RoomCallOptions): Promise<RoomSummary>;
  deleteRoom(id: string, options?: RoomCallOptions): Promise<void>;

  register(body: CredentialsBody): Promise<AuthAnswer>;
  login(body: CredentialsBody): Promise<AuthAnswer>;
  logout(): Promise<void>;
  me(): Promise<MeAnswer>;
  /** What this server offers the web app (where ghost text comes from, whether it runs code). */
  capabilities(): Promise<ServerCapabilities>;

  listMembers(id: string, options?: RoomCallOptions): Promise<MemberInfo[]>;
  /** Adds the account as a member, or changes its role. */
  setMember(id: string, username: string, role: RoomRole, options?: RoomCallOptions): Promise<void>;
  removeMember(id: string, username: string, options?: RoomCallOptions): Promise<void>;
  listLinks(id: string, options?: RoomCallOptions): Promise<ShareLinkInfo[]>;
  createLink(id: string, body: CreateLinkBody, options?: RoomCallOptions): Promise<CreatedShareLink>;
  revokeLink(id: string, linkId: string, options?: RoomCallOptions): Promise<void>;

  listVersions(id: string, options?: RoomCallOptions): Promise<VersionList>;
  createVersion(id: string, name: string, options?: RoomCallOptions): Promise<VersionSummary>;
  getVersion(id: string, versionId: string, options?: RoomCallOptions): Promise<VersionDetails>;
  restoreVersion(id: string, versionId: string, options?: RoomCallOptions): Promise<VersionDetails>;
  /** Points after `after`, oldest first; with `updates`, each carries its Yjs update (for playback). */
  timeline(id: string, query: { after: number; limit: number; updates: boolean }, options?: RoomCallOptions): Promise<TimelinePage>;
  /** The code right after point `seq`, with the full Yjs state to play on from. */
  timelineMoment(id: string, seq: number, options?: RoomCallOptions): Promise<TimelineText>;
  /** The newest page of the room's chat, or the one before `before` (a ChatPage's `nextBefore`). */
  listChat(id: string, before: number | null, options?: RoomCallOptions): Promise<ChatPage>;
  postChat(id: string, text: string, options?: RoomCallOptions): Promise<ChatMessage>;
  /** The newest runs, or those started before `before` (a RunList's `nextBefore`); `limit` per page (the server's default when left out). */
  listRuns(id: string, page: { before: string | null; limit?: number }, options?: RoomCallOptions): Promise<RunList>;
  /** Runs the room's current code on the server; its run then arrives over the room's socket. */
  startServerRun(id: string, language: ServerRunLanguage, options?: RoomCallOptions): Promise<{ runId: string }>;
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

interface RequestOptions extends RoomCallOptions {
  body?: unknown;
}

export function createApiClient(options: { baseUrl?: string; fetch?: FetchLike } = {}): ApiClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  // Looked up per call, not captured, so a test or polyfill installed later is honoured.
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function request<T>(method: string, path: string, { body, signal, credentials = {} }: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...credentialHeaders(credentials) };
    // Same-origin: the browser sends the httpOnly session cookie by itself; the app never sees the token.
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      headers['content-type'] = 'application/json';
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
  const memberPath = (id: string, username: string) => `${roomPath(id)}/members/${encodeURIComponent(username)}`;
  const linkPath = (id: string, linkId: string) => `${roomPath(id)}/links/${encodeURIComponent(linkId)}`;
  const versionPath = (id: string, versionId: string) => `${roomPath(id)}/versions/${encodeURIComponent(versionId)}`;

  return {
    createRoom: (body) => request<CreatedRoom>('POST', '/api/rooms', { body }),
    getRoom: (id, opts) => request<RoomDetails>('GET', roomPath(id), opts),
    listRooms: (query = {}) => {
      const params = new URLSearchParams();
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.cursor !== undefined) params.set('cursor', query.cursor);
      const qs = params.toString();
      return request<RoomList>('GET', qs ? `/api/rooms?${qs}` : '/api/rooms');
    },
    updateRoom: (id, body, opts) => request<RoomSummary>('PATCH', roomPath(id), { ...opts, body }),
    deleteRoom: (id, opts) => request<void>('DELETE', roomPath(id), opts),

    register: (body) => request<AuthAnswer>('POST', '/api/auth/register', { body }),
    login: (body) => request<AuthAnswer>('POST', '/api/auth/login', { body }),
    logout: () => request<void>('POST', '/api/auth/logout'),
    me: () => request<MeAnswer>('GET', '/api/me'),
    capabilities: () => request<ServerCapabilities>('GET', '/api/capabilities'),

    listMembers: async (id, opts) => (await request<{ members: MemberInfo[] }>('GET', `${roomPath(id)}/members`, opts)).members,
    setMember: async (id, username, role, opts) => {
      await request<unknown>('PUT', memberPath(id, username), { ...opts, body: { role } });
    },
    removeMember: (id, username, opts) => request<void>('DELETE', memberPath(id, username), opts),
    listLinks: async (id, opts) => (await request<{ links: ShareLinkInfo[] }>('GET', `${roomPath(id)}/links`, opts)).links,
    createLink: (id, body, opts) => request<CreatedShareLink>('POST', `${roomPath(id)}/links`, { ...opts, body }),
    revokeLink: (id, linkId, opts) => request<void>('DELETE', linkPath(id, linkId), opts),

    listVersions: (id, opts) => request<VersionList>('GET', `${roomPath(id)}/versions`, opts),
    createVersion: (id, name, opts) => request<VersionSummary>('POST', `${roomPath(id)}/versions`, { ...opts, body: { name } }),
    getVersion: (id, versionId, opts) => request<VersionDetails>('GET', versionPath(id, versionId), opts),
    restoreVersion: (id, versionId, opts) => request<VersionDetails>('POST', `${versionPath(id, versionId)}/restore`, opts),
    timeline: (id, { after, limit, updates }, opts) =>
      request<TimelinePage>('GET', `${roomPath(id)}/timeline?after=${after}&limit=${limit}&updates=${updates ? 1 : 0}`, opts),
    timelineMoment: (id, seq, opts) => request<TimelineText>('GET', `${roomPath(id)}/timeline/${seq}?state=1`, opts),
    listChat: (id, before, opts) =>
      request<ChatPage>('GET', before === null ? `${roomPath(id)}/chat` : `${roomPath(id)}/chat?before=${before}`, opts),
    postChat: (id, text, opts) => request<ChatMessage>('POST', `${roomPath(id)}/chat`, { ...opts, body: { text } }),
    listRuns: (id, { before, limit }, opts) => {
      const query = new URLSearchParams({
        ...(before !== null && { before }),
        ...(limit !== undefined && { limit: String(limit) }),
      }).toString();
      return request<RunList>('GET', `${roomPath(id)}/runs${query ? `?${query}` : ''}`, opts);
    },
    startServerRun: (id, language, opts) => request<{ runId: string }>('POST', `${roomPath(id)}/runs`, { ...opts, body: { language } }),
  };
}
