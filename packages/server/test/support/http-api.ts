import { expect } from 'vitest';
import type { TestServer } from './test-server.js';

/** The HTTP API as a test sees it: status, content type and parsed JSON body. */
export interface ApiResponse {
  status: number;
  contentType: string;
  body: unknown;
}

/** Anything serving the API: an in-process TestServer or a spawned instance. */
export type ApiServer = Pick<TestServer, 'url'>;

export async function api(
  s: ApiServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json', ...headers };
  }
  const response = await fetch(`${s.url}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: text === '' ? null : (JSON.parse(text) as unknown),
  };
}

/** Asserts the API's error shape, `{error: {code, message}}`, and returns it. */
export function apiError(response: ApiResponse, status: number): { code: string; message: string } {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.contentType).toMatch(/^application\/json/);
  const body = response.body as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code).toBe('string');
  expect(typeof body.error?.message).toBe('string');
  return body.error as { code: string; message: string };
}

export async function roomCode(s: ApiServer, roomId: string): Promise<string> {
  const response = await api(s, 'GET', `/api/rooms/${roomId}`);
  expect(response.status).toBe(200);
  return (response.body as { code: string }).code;
}
