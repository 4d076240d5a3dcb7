/** The languages a room can be set to. `id` is stored and sent on the wire; `monacoId` picks highlighting. */
export const LANGUAGES = [
  { id: 'python', label: 'Python', monacoId: 'python' },
  { id: 'javascript', label: 'JavaScript', monacoId: 'javascript' },
  { id: 'typescript', label: 'TypeScript', monacoId: 'typescript' },
  { id: 'java', label: 'Java', monacoId: 'java' },
  { id: 'cpp', label: 'C++', monacoId: 'cpp' },
  { id: 'c', label: 'C', monacoId: 'c' },
  { id: 'csharp', label: 'C#', monacoId: 'csharp' },
  { id: 'go', label: 'Go', monacoId: 'go' },
  { id: 'rust', label: 'Rust', monacoId: 'rust' },
  { id: 'ruby', label: 'Ruby', monacoId: 'ruby' },
  { id: 'php', label: 'PHP', monacoId: 'php' },
  { id: 'kotlin', label: 'Kotlin', monacoId: 'kotlin' },
  { id: 'swift', label: 'Swift', monacoId: 'swift' },
  { id: 'sql', label: 'SQL', monacoId: 'sql' },
  { id: 'html', label: 'HTML', monacoId: 'html' },
  { id: 'css', label: 'CSS', monacoId: 'css' },
  { id: 'markdown', label: 'Markdown', monacoId: 'markdown' },
  { id: 'plaintext', label: 'Plain text', monacoId: 'plaintext' },
] as const;

export type LanguageId = (typeof LANGUAGES)[number]['id'];
export type LanguageInfo = (typeof LANGUAGES)[number];

export const LANGUAGE_IDS = LANGUAGES.map((l) => l.id) as [LanguageId, ...LanguageId[]];
export const DEFAULT_LANGUAGE: LanguageId = 'python';

export function isLanguageId(value: unknown): value is LanguageId {
  return typeof value === 'string' && (LANGUAGE_IDS as readonly string[]).includes(value);
}

export function languageInfo(id: LanguageId): LanguageInfo {
  // LANGUAGE_IDS is derived from LANGUAGES, so the lookup cannot miss.
  return LANGUAGES.find((l) => l.id === id)!;
}
