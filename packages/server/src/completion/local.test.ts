import { describe, expect, it } from 'vitest';
import { LocalCompletionProvider } from './local.js';

describe('LocalCompletionProvider', () => {
  it('answers with the local engine', async () => {
    const answer = await new LocalCompletionProvider().complete(
      { code: 'def area(w, h):\n    return w * h\n\nprint(ar', cursorPosition: 42, language: 'python' },
      new AbortController().signal,
    );
    expect(answer.suggestion).toBe('ea(');
  });

  it('rejects with the abort reason when already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(
      new LocalCompletionProvider().complete({ code: 'x', cursorPosition: 1, language: 'python' }, controller.signal),
    ).rejects.toThrow('gone');
  });
});
