import type { FastifyInstance, FastifySchema, FastifyTypeProvider } from 'fastify';
import { z, type ZodType } from 'zod';
import { parseInput } from './errors.js';

/**
 * Route schemas are the protocol's zod schemas: Fastify validates requests with them (this
 * compiler) and the OpenAPI document is generated from them (`toDocumentedSchema`), so what is
 * checked and what is documented cannot drift apart.
 */
export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends ZodType ? z.input<this['schema']> : unknown;
}

/** The request parts Fastify validates, as an error message names them. */
const PART_NAMES: Record<string, string> = { body: 'request body', querystring: 'query', params: 'path', headers: 'headers' };

/**
 * Validate with zod (same 400 `invalid_request` as the handlers' own parseInput); answers are
 * serialized as they are: response schemas only document them.
 */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (!(schema instanceof z.ZodType)) throw new Error(`route ${httpPart ?? ''} schema is not a zod schema`);
    const what = PART_NAMES[httpPart ?? ''] ?? 'request';
    return (data: unknown) => {
      try {
        // Fastify passes null for a request without a body: to zod that is an absent (undefined) body.
        return { value: parseInput(schema, httpPart === 'body' && data === null ? undefined : data, what) };
      } catch (err) {
        return { error: err as Error };
      }
    };
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

const VALIDATED_PARTS = ['body', 'querystring', 'params', 'headers'] as const;

/** A route's schema with its zod parts as JSON Schema (draft 2020-12, what OpenAPI 3.1 uses), for the API document. */
export function toDocumentedSchema(schema: FastifySchema): FastifySchema {
  const documented: Record<string, unknown> = { ...schema };
  for (const part of VALIDATED_PARTS) {
    const value = schema[part];
    if (value instanceof z.ZodType) documented[part] = requestJsonSchema(value);
  }
  return documented;
}

/** What a client may send (`io: 'input'`: defaults are optional, coercions take the input type). */
export function requestJsonSchema(schema: ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  return json;
}
