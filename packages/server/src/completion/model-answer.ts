import { fitBeforeFollowing } from '@pairwise/complete';
import { CURSOR_MARKER, isInline } from './model-prompt.js';
import type { ModelPrompt } from './model-prompt.js';

const MAX_ANSWER_CHARS = 2_000;
const MIN_ECHO_CHARS = 4;

/** `choices[0].text` of a completions response, or null when the body is not one. */
export function completionText(body: unknown): string | null {
  const choice = firstChoice(body);
  return choice !== null && typeof choice.text === 'string' ? choice.text : null;
}

/** `choices[0].message.content` of a chat completions response, or null when the body is not one. */
export function chatText(body: unknown): string | null {
  const message = firstChoice(body)?.message;
  if (typeof message !== 'object' || message === null) return null;
  const content = (message as { content?: unknown }).content;
  return typeof content === 'string' ? content : null;
}

function firstChoice(body: unknown): Record<string, unknown> | null {
  if (typeof body !== 'object' || body === null) return null;
  const choices = (body as { choices?: unknown }).choices;
  if (!Array.isArray(choices) || typeof choices[0] !== 'object' || choices[0] === null) return null;
  return choices[0] as Record<string, unknown>;
}

/**
 * Turn a model's raw text into ghost text: chat models wrap code in fences and echo the line they
 * were given; any model may run on into the text after the cursor. Null means unusable.
 */
export function cleanAnswer(raw: string, prompt: ModelPrompt, fromChat: boolean): string | null {
  if (raw.length > 2 * MAX_ANSWER_CHARS) return null;
  let text = raw.replaceAll('\r\n', '\n');
  if (fromChat) text = stripEcho(unfence(text), prompt).replaceAll(CURSOR_MARKER, '');
  if (text.includes(CURSOR_MARKER) || text.length > MAX_ANSWER_CHARS) return null;
  text = stripSuffixEcho(text, prompt.suffix);
  if (isInline(prompt)) text = text.split('\n')[0]!;
  text = fitBeforeFollowing(text, prompt.lineSuffix).replace(/\s+$/, '');
  return text.trim() === '' ? '' : text;
}

/** Content of the first fenced block, or the text without a dangling opening fence. */
function unfence(text: string): string {
  const fenced = /```[^\n`]*\n([\s\S]*?)(?:\n?```|$)/.exec(text);
  if (fenced !== null) return fenced[1]!;
  return text.trim().startsWith('`') && text.trim().endsWith('`') && !text.includes('\n') ? text.trim().slice(1, -1) : text;
}

/** Drop a restatement of the text before the cursor: the whole line, or a longer tail of the prefix. */
function stripEcho(text: string, prompt: ModelPrompt): string {
  const line = prompt.linePrefix.trimStart();
  if (line.length > 0 && text.trimStart().startsWith(line)) return text.trimStart().slice(line.length);
  for (let k = Math.min(text.length, prompt.prefix.length); k >= Math.max(MIN_ECHO_CHARS, line.length + 1); k--) {
    if (prompt.prefix.endsWith(text.slice(0, k))) return text.slice(k);
  }
  return text;
}

/** Cut the answer where it starts repeating the text after the cursor. */
function stripSuffixEcho(text: string, suffix: string): string {
  const head =
    suffix
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? '';
  if (head.length < MIN_ECHO_CHARS) return text;
  const at = text.indexOf(head);
  return at === -1 ? text : text.slice(0, at);
}
