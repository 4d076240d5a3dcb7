import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { answers, registerApiDocs } from './api-docs.js';
import { handleError } from './errors.js';
import { requestJsonSchema } from './zod-schemas.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function appWithDocs(): Promise<FastifyInstance> {
  const app = Fastify();
  apps.push(app);
  app.setErrorHandler(handleError);
  await registerApiDocs(app);
  return app;
}

const noteBody = z.strictObject({ text: z.string().min(1), pinned: z.boolean().default(false) });

describe('API routes and their document', () => {
  it('a route validates its body with its zod schema, and the document shows that schema', async () => {
    const app = await appWithDocs();
    app.post(
      '/api/notes',
      { schema: { summary: 'Add a note', body: noteBody, response: answers({ 201: 'the note' }) } },
      (request) => request.body,
    );

    const ok = await app.inject({ method: 'POST', url: '/api/notes', payload: { text: 'hi' } });
    expect(ok.json()).toEqual({ text: 'hi', pinned: false });
    const bad = await app.inject({ method: 'POST', url: '/api/notes', payload: { text: '', extra: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_request' } });
    expect(bad.json().error.message).toMatch(/text/);

    const document = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const operation = document.paths['/api/notes']?.post;
    expect(operation).toHaveProperty('requestBody.required', true);
    expect(operation).toHaveProperty('requestBody.content.application/json.schema', requestJsonSchema(noteBody));
    expect(operation).toHaveProperty('responses.400.content.application/json.schema.$ref', '#/components/schemas/ApiError');
  });

  it('refuses to register an API route without a summary and its answers', async () => {
    const app = await appWithDocs();
    expect(() => app.get('/api/secret', () => 'x')).toThrow(/GET \/api\/secret is not documented/);
    expect(() => app.get('/api/hidden', { schema: { hide: true, summary: 'x', response: answers({ 200: 'x' }) } }, () => 'x')).toThrow(
      /not documented/,
    );
    // Outside the API, nothing is required (the web app's files).
    expect(() => app.get('/favicon.ico', () => 'x')).not.toThrow();
  });

  it('a route schema that is not zod is a startup error, not a silently unchecked route', async () => {
    const app = await appWithDocs();
    app.post('/api/raw', { schema: { summary: 'raw', body: { type: 'object' }, response: answers({ 200: 'x' }) } }, () => 'x');
    await expect(app.ready()).rejects.toThrow(/not a zod schema/);
  });
});
