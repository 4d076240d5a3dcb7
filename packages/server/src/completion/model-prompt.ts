import type { LanguageId } from '@pairwise/protocol';
import { languageInfo } from '@pairwise/protocol';
import type { CompletionRequest } from './provider.js';
import { isLowSurrogate, lineEnd, lineStartOf, safeSlice } from '@pairwise/complete';

/** What the model sees: bounded text around the cursor, so cost and latency stay flat on big files. */
export interface ModelPrompt {
  readonly language: LanguageId;
  readonly prefix: string;
  readonly suffix: string;
  /** The cursor's line before the cursor, to recognise an answer that echoes it. */
  readonly linePrefix: string;
  /** The rest of the cursor's line: non-empty means the model must complete inline, one line only. */
  readonly lineSuffix: string;
}

export const PREFIX_CHARS = 6_000;
export const SUFFIX_CHARS = 2_000;
export const CURSOR_MARKER = '<CURSOR>';
const MAX_TOKENS = 64;

export function buildPrompt(request: CompletionRequest): ModelPrompt {
  const { code, cursorPosition: cursor } = request;
  let start = Math.max(0, cursor - PREFIX_CHARS);
  if (isLowSurrogate(code.charCodeAt(start))) start++;
  return {
    language: request.language,
    prefix: code.slice(start, cursor),
    suffix: safeSlice(code, cursor, Math.min(code.length, cursor + SUFFIX_CHARS)),
    linePrefix: code.slice(lineStartOf(code, cursor), cursor),
    lineSuffix: code.slice(cursor, lineEnd(code, cursor)).replace(/\r$/, ''),
  };
}

export function isInline(prompt: ModelPrompt): boolean {
  return prompt.lineSuffix.trim() !== '';
}

/** Legacy completions body with `suffix`: fill-in-the-middle on OpenAI, Ollama, vLLM and llama.cpp. */
export function fimBody(model: string, prompt: ModelPrompt): Record<string, unknown> {
  return {
    model,
    prompt: prompt.prefix,
    suffix: prompt.suffix,
    max_tokens: MAX_TOKENS,
    temperature: 0,
    // Ghost text is a line or a short block: stop at the end of the line when completing inside
    // one, at a blank line otherwise.
    stop: isInline(prompt) ? ['\n'] : ['\n\n'],
    stream: false,
  };
}

const SYSTEM_PROMPT = [
  'You are a code completion engine inside an editor.',
  `The user message is a source file with the cursor marked ${CURSOR_MARKER}.`,
  'Reply with only the text to insert at the cursor: no explanation, no markdown, no code fences.',
  'Do not repeat any text that comes before or after the cursor.',
  'Keep it short: finish the current line, or at most a few lines. Reply with nothing if nothing fits.',
].join(' ');

export function chatBody(model: string, prompt: ModelPrompt): Record<string, unknown> {
  const language = languageInfo(prompt.language).label;
  const where = isInline(prompt) ? 'Complete inside the current line only.' : 'Complete from the cursor.';
  return {
    model,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: `Language: ${language}. ${where}\n\n${prompt.prefix}${CURSOR_MARKER}${prompt.suffix}` },
    ],
    max_tokens: MAX_TOKENS * 2,
    temperature: 0,
    stream: false,
  };
}
