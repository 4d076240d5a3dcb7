import { z } from 'zod';
import { LANGUAGE_IDS } from './languages.js';

/** Largest `code` accepted by `POST /api/autocomplete`, in UTF-16 code units (about 1 MiB of ASCII). */
export const AUTOCOMPLETE_CODE_MAX = 1024 * 1024;

export const autocompleteBodySchema = z
  .strictObject({
    code: z.string().max(AUTOCOMPLETE_CODE_MAX, 'code must be at most 1 MiB'),
    /** Offset into `code` in UTF-16 code units (what JavaScript string indices and Monaco's getOffsetAt use). */
    cursorPosition: z.number().int().min(0),
    language: z.enum(LANGUAGE_IDS),
    roomId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{3,64}$/)
      .optional(),
  })
  .refine((b) => b.cursorPosition <= b.code.length, {
    message: 'cursorPosition is past the end of code',
    path: ['cursorPosition'],
  });
export type AutocompleteBody = z.infer<typeof autocompleteBodySchema>;

export const COMPLETION_KINDS = ['keyword', 'snippet', 'identifier', 'member', 'line', 'closer', 'model'] as const;
export type CompletionKind = (typeof COMPLETION_KINDS)[number];
export type CompletionSource = 'local' | 'openai';

export interface CompletionItem {
  /** Text to insert at the cursor. */
  text: string;
  /** Short text for the suggestion list. */
  label: string;
  kind: CompletionKind;
  source: CompletionSource;
}

export interface AutocompleteResponse {
  /** The best text to insert at the cursor; "" when nothing is worth showing. */
  suggestion: string;
  allSuggestions: CompletionItem[];
}

/**
 * Where ghost text comes from (`GET /api/capabilities`): `browser` when the server's provider is the
 * local engine, which the web app runs itself in a worker (no round trip, works offline); `server`
 * when the server has a model-backed provider, which only it can reach.
 */
export const COMPLETION_RUNS_ON = ['browser', 'server'] as const;
export type CompletionRunsOn = (typeof COMPLETION_RUNS_ON)[number];
