import { readFileSync } from 'node:fs';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { CREDENTIALS } from '@pairwise/protocol';
import { toDocumentedSchema, useZodSchemas } from './zod-schemas.js';

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';

/** Names of the `components.securitySchemes` below, for the routes' `security` lists. */
const SCHEMES = { session: 'sessionCookie', bearer: 'bearerToken', ownerKey: 'ownerKey', link: 'shareLink' } as const;

type SecurityRequirement = Record<string, string[]>;

/**
 * Who may call: a signed-in user (cookie or Bearer token) or, with no credentials at all (`{}`), a
 * guest, who gets a signed `pairwise_guest` cookie on first contact.
 */
export const ANYONE: SecurityRequirement[] = [{ [SCHEMES.session]: [] }, { [SCHEMES.bearer]: [] }, {}];
/** A room route: anyone, plus the guest creator's owner key and share-link tokens. */
export const ROOM_CALLER: SecurityRequirement[] = [...ANYONE, { [SCHEMES.ownerKey]: [] }, { [SCHEMES.link]: [] }];

/** Every 4xx/5xx answer: `{"error": {"code", "message"}}` (protocol's ApiError). */
const API_ERROR = {
  $id: 'ApiError',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'machine-readable, e.g. invalid_request, room_not_found, rate_limited' },
        message: { type: 'string', description: 'for people' },
      },
    },
  },
};

/** Answers any API route may give besides its own. */
const COMMON_ERRORS: Record<number, string> = {
  400: 'invalid_request (the message says which field and why) or invalid_json',
  401: 'invalid_session: the session token or cookie is expired or was revoked',
  429: 'rate_limited: too many requests from this address (Retry-After says when to retry)',
};

/**
 * A route's documented answers: successes (the protocol type the body has, or no body for 204) and
 * errors with the API's error shape. Documentation only: answers are not validated against these.
 */
export function answers(success: Record<number, string>, errors: Record<number, string> = {}): Record<number, unknown> {
  const documented: Record<number, unknown> = {};
  for (const [status, description] of Object.entries(success)) {
    // The bodies are the protocol's TypeScript types, named in the description.
    documented[Number(status)] = status === '204' ? { description, type: 'null' } : { description, type: 'object' };
  }
  for (const [status, description] of Object.entries({ ...COMMON_ERRORS, ...errors })) {
    documented[Number(status)] = { description, $ref: 'ApiError#' };
  }
  return documented;
}

/**
 * `GET /api/openapi.json`, generated from the routes' own zod schemas, and the Swagger UI at
 * `/api/docs` (served from node_modules; it has no inline scripts, so the app's CSP applies).
 * Register before any route: the document is collected from routes as they are added.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  useZodSchemas(app);
  app.addSchema(API_ERROR);
  app.addHook('onRoute', refuseUndocumented);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Pairwise API',
        version: serverVersion(),
        description:
          'JSON API of a Pairwise server. Errors are `{"error": {"code", "message"}}`. Live editing uses the WebSocket `/ws/:roomId` (y-websocket protocol), not described here.',
      },
      components: {
        securitySchemes: {
          [SCHEMES.session]: { type: 'apiKey', in: 'cookie', name: CREDENTIALS.sessionCookie, description: 'set by register and login' },
          [SCHEMES.bearer]: { type: 'http', scheme: 'bearer', description: 'the `token` from register or login' },
          [SCHEMES.ownerKey]: {
            type: 'apiKey',
            in: 'header',
            name: CREDENTIALS.ownerKeyHeader,
            description: 'a guest creator’s room owner key',
          },
          [SCHEMES.link]: { type: 'apiKey', in: 'header', name: CREDENTIALS.linkHeader, description: 'a share link’s token' },
        },
      },
      tags: [
        { name: 'auth', description: 'accounts and sessions' },
        { name: 'rooms', description: 'rooms and their settings' },
        { name: 'sharing', description: 'members and share links (owner only)' },
        { name: 'chat', description: 'the room’s chat (every role)' },
        { name: 'runs', description: 'runs of the room’s code and their output (every role)' },
        { name: 'autocomplete', description: 'code suggestions' },
        { name: 'operations', description: 'liveness and readiness probes' },
      ],
    },
    // Shared schemas (ApiError) keep their own name in components.schemas.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transformObject: (document) =>
      'openapiObject' in document ? optionalBodiesNotRequired(document.openapiObject) : document.swaggerObject,
    // Only the API and the probes are documented: the web app's files, /metrics and the docs' own routes are not.
    transform: ({ schema, url }) => {
      const documented = url.startsWith('/api/') || url === '/health' || url === '/ready';
      return { schema: documented ? toDocumentedSchema(schema ?? {}) : { ...schema, hide: true }, url };
    },
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, () => app.swagger());
  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PATH,
    theme: { title: 'Pairwise API reference' },
    logo: { type: 'image/svg+xml', content: PAIRWISE_MARK, href: '/' },
  });
}

/** The web app's mark (packages/web/public/favicon.svg), for the docs page's top bar instead of Fastify's. */
const PAIRWISE_MARK =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#5b5bd6"/><path d="M9 11l-4 5 4 5M23 11l4 5-4 5" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/><circle cx="13" cy="16" r="2.4" fill="#fff"/><circle cx="19" cy="16" r="2.4" fill="#ffd166"/></svg>';

/**
 * @fastify/swagger marks every request body required; a body whose schema has a default (`POST
 * /api/rooms` with none creates a room with every default) may be left out.
 */
function optionalBodiesNotRequired<T extends { paths?: object }>(openapiObject: T): T {
  for (const methods of Object.values(openapiObject.paths ?? {}) as Record<string, OperationWithBody>[]) {
    for (const operation of Object.values(methods)) {
      const body = operation.requestBody;
      if (body?.content?.['application/json']?.schema?.default !== undefined) body.required = false;
    }
  }
  return openapiObject;
}
type OperationWithBody = { requestBody?: { required?: boolean; content?: Record<string, { schema?: { default?: unknown } }> } };

/**
 * Every API route is in the document: one without a summary and its answers is a startup error,
 * and only the document and the docs page themselves may hide.
 */
function refuseUndocumented(route: RouteOptions): void {
  if (!route.url.startsWith('/api/') || route.method === 'HEAD') return;
  const schema = route.schema ?? {};
  const docsItself = route.url === OPENAPI_PATH || route.url.startsWith(DOCS_PATH);
  if (schema.hide === true ? !docsItself : schema.summary === undefined || schema.response === undefined) {
    throw new Error(`${String(route.method)} ${route.url} is not documented: give its schema a summary and response (see api-docs.ts)`);
  }
}

/** The server package's version (from src/ under the tests, dist/ when built: both two levels below it). */
function serverVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : 'unknown';
}
