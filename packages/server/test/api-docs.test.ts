import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineScriptHashes } from '../src/http/csp.js';
import { api, apiError } from './support/http-api.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * The API reference against a real server: `/api/openapi.json` is a valid OpenAPI 3.1 document
 * naming every route, each documented request body is what the route checks, and the Swagger UI
 * at `/api/docs` loads with all its files from this server under the app's CSP.
 */

interface Operation {
  requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, unknown>; additionalProperties?: unknown } } } };
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}
type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };

/** Every route of the server, written out so a route that drops out of the document (hidden, renamed) fails here. */
const EXPECTED_OPERATIONS = [
  'GET /health',
  'GET /ready',
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'GET /api/capabilities',
  'GET /api/me',
  'POST /api/rooms',
  'GET /api/rooms',
  'GET /api/rooms/{id}',
  'PATCH /api/rooms/{id}',
  'DELETE /api/rooms/{id}',
  'GET /api/rooms/{id}/members',
  'PUT /api/rooms/{id}/members/{username}',
  'DELETE /api/rooms/{id}/members/{username}',
  'POST /api/rooms/{id}/links',
  'POST /api/rooms/{id}/runs',
  'GET /api/rooms/{id}/links',
  'DELETE /api/rooms/{id}/links/{linkId}',
  'GET /api/rooms/{id}/versions',
  'POST /api/rooms/{id}/versions',
  'GET /api/rooms/{id}/versions/{v}',
  'POST /api/rooms/{id}/versions/{v}/restore',
  'GET /api/rooms/{id}/timeline',
  'GET /api/rooms/{id}/timeline/{seq}',
  'GET /api/rooms/{id}/chat',
  'POST /api/rooms/{id}/chat',
  'GET /api/rooms/{id}/runs',
  'POST /api/autocomplete',
];

let s: TestServer;
let document: OpenApiDocument;

beforeAll(async () => {
  s = await startTestServer();
  const response = await api(s, 'GET', '/api/openapi.json');
  expect(response.status).toBe(200);
  document = response.body as OpenApiDocument;
});
afterAll(() => s.close());

function operations(): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
  );
}

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('documents every route, its callers and the error shape', () => {
    expect(
      operations()
        .map(([name]) => name)
        .sort(),
    ).toEqual([...EXPECTED_OPERATIONS].sort());
    expect(Object.keys(document.components.securitySchemes as object).sort()).toEqual([
      'bearerToken',
      'ownerKey',
      'sessionCookie',
      'shareLink',
    ]);
    for (const [name, operation] of operations()) {
      if (name === 'GET /health' || name === 'GET /ready') continue;
      expect(operation.security, name).toContainEqual({ bearerToken: [] });
      expect(operation.responses, name).toHaveProperty('400.content.application/json.schema.$ref', '#/components/schemas/ApiError');
    }
    expect(document.paths['/api/rooms/{id}/links']?.post?.security).toContainEqual({ ownerKey: [] });
    // A room can be created with no body at all; the other bodies are required.
    expect(document.paths['/api/rooms']?.post?.requestBody).toHaveProperty('required', false);
    expect(document.paths['/api/auth/login']?.post?.requestBody).toHaveProperty('required', true);
  });

  // Were a route to parse its body some other way than the documented schema, an unknown field would not be refused (or not by that schema).
  it('every documented request body is the one the route checks: a field it does not list is refused with 400', async () => {
    const roomId = await s.createRoom();
    const withBodies = operations().filter(([, operation]) => operation.requestBody !== undefined);
    expect(withBodies.length).toBeGreaterThanOrEqual(7);
    for (const [name, operation] of withBodies) {
      expect(operation.requestBody?.content['application/json'].schema.additionalProperties, name).toBe(false);
      const [method = '', path = ''] = name.split(' ');
      const url = path.replace('{id}', roomId).replace('{username}', 'somebody').replace('{linkId}', 'link1');
      const error = apiError(await api(s, method, url, { notInTheSchema: 1 }, s.asOwner(roomId)), 400);
      expect(error.code, name).toBe('invalid_request');
      expect(error.message, name).toContain('notInTheSchema');
    }
  });
});

describe('GET /api/docs', () => {
  it('serves the Swagger UI and every file it loads from this server, with no inline script for the CSP to refuse', async () => {
    const page = await fetch(`${s.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Pairwise API reference');
    expect(inlineScriptHashes(html)).toEqual([]);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    const files = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, file]) => file ?? '');
    expect(files.filter((file) => file.endsWith('.js')).length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      expect(file, 'no CDN').toMatch(/^\/api\/docs\//);
      expect((await fetch(`${s.url}${file}`)).status, file).toBe(200);
    }
    // The document the page shows is the same one.
    expect((await api(s, 'GET', '/api/docs/json')).body).toEqual(document);
  });
});
