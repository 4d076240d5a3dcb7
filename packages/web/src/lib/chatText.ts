import { isLanguageId, type LanguageId, languageInfo } from '@pairwise/protocol';

/**
 * A chat message's text as runs of prose and code: `inline code` and ```fenced blocks``` (with an
 * optional language on the fence line). Only the markup is read here; rendering escapes every run.
 */
export type ChatRun =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'block'; text: string; language: string | null };

const FENCE = '```';
const LANGUAGE_TAG = /^[A-Za-z0-9_+#-]{1,20}$/;

export function chatRuns(message: string): ChatRun[] {
  const runs: ChatRun[] = [];
  let rest = message;
  while (rest.length > 0) {
    const open = rest.indexOf(FENCE);
    const close = open < 0 ? -1 : rest.indexOf(FENCE, open + FENCE.length);
    if (close < 0) {
      inlineRuns(rest, runs);
      break;
    }
    inlineRuns(rest.slice(0, open), runs);
    runs.push(blockRun(rest.slice(open + FENCE.length, close)));
    rest = rest.slice(close + FENCE.length).replace(/^\n/, '');
  }
  return runs;
}

/** A fence's body: a first line that is only a language tag names the language; one newline either side is markup. */
function blockRun(body: string): ChatRun {
  const newline = body.indexOf('\n');
  const firstLine = newline < 0 ? '' : body.slice(0, newline).trim();
  const tagged = newline >= 0 && LANGUAGE_TAG.test(firstLine);
  const code = (tagged ? body.slice(newline + 1) : body.replace(/^\n/, '')).replace(/\n$/, '');
  return { kind: 'block', text: code, language: tagged ? firstLine.toLowerCase() : null };
}

/** `code` between single backticks on one stretch of prose; an unmatched backtick stays text. */
function inlineRuns(prose: string, runs: ChatRun[]): void {
  const pattern = /`([^`\n]+)`/g;
  let last = 0;
  for (const match of prose.matchAll(pattern)) {
    pushText(runs, prose.slice(last, match.index));
    runs.push({ kind: 'code', text: match[1] ?? '' });
    last = match.index + match[0].length;
  }
  pushText(runs, prose.slice(last));
}

function pushText(runs: ChatRun[], text: string): void {
  if (text.length === 0) return;
  const previous = runs[runs.length - 1];
  if (previous?.kind === 'text') previous.text += text;
  else runs.push({ kind: 'text', text });
}

const FENCE_ALIASES: Record<string, LanguageId> = {
  js: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  tsx: 'typescript',
  py: 'python',
  'c++': 'cpp',
  cs: 'csharp',
  'c#': 'csharp',
  rb: 'ruby',
  kt: 'kotlin',
  rs: 'rust',
  golang: 'go',
  md: 'markdown',
  text: 'plaintext',
};

/** The Monaco language a fenced block is highlighted in: its tag's, else the room's. */
export function fenceLanguage(tag: string | null, roomMonacoId: string): string {
  if (tag === null) return roomMonacoId;
  const id = FENCE_ALIASES[tag] ?? tag;
  return isLanguageId(id) ? languageInfo(id).monacoId : roomMonacoId;
}
