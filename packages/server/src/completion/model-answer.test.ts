import { describe, expect, it } from 'vitest';
import { chatText, cleanAnswer, completionText } from './model-answer.js';
import { buildPrompt } from './model-prompt.js';

const promptAt = (textWithCursor: string) => {
  const cursorPosition = textWithCursor.indexOf('▮');
  return buildPrompt({ code: textWithCursor.replace('▮', ''), cursorPosition, language: 'python' });
};

describe('model answers', () => {
  it('reads completions and chat bodies, rejecting other shapes', () => {
    expect(completionText({ choices: [{ text: 'x' }] })).toBe('x');
    expect(completionText({ choices: [] })).toBeNull();
    expect(completionText('x')).toBeNull();
    expect(chatText({ choices: [{ message: { content: 'y' } }] })).toBe('y');
    expect(chatText({ choices: [{ message: null }] })).toBeNull();
  });

  it('strips code fences and an echoed line from chat answers', () => {
    const prompt = promptAt('def add(a, b):\n    return a ▮\n');
    expect(cleanAnswer('```python\n    return a + b\n```', prompt, true)).toBe('+ b');
    expect(cleanAnswer('`+ b`', prompt, true)).toBe('+ b');
    expect(cleanAnswer('Here:\n```\n+ b\n```\nDone.', prompt, true)).toBe('+ b');
  });

  it('keeps inline answers to one line and cuts text the cursor already has after it', () => {
    const prompt = promptAt('total = compute(▮)\nprint(total)\n');
    expect(cleanAnswer('a, b)\nmore', prompt, false)).toBe('a, b');
    expect(cleanAnswer(')\nprint(total)', prompt, false)).toBe('');
  });

  it('drops an answer that merely repeats the following lines', () => {
    const prompt = promptAt('x = 1\n▮\nreturn value_of_everything\n');
    expect(cleanAnswer('\nreturn value_of_everything', prompt, false)).toBe('');
    expect(cleanAnswer('y = 2\nreturn value_of_everything', prompt, false)).toBe('y = 2');
  });

  it('rejects answers that keep the cursor marker or are far too long', () => {
    const prompt = promptAt('x = ▮');
    expect(cleanAnswer('1 <CURSOR>', prompt, false)).toBeNull();
    expect(cleanAnswer('y'.repeat(10_000), prompt, false)).toBeNull();
  });
});
