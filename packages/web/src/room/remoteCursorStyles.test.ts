import { describe, expect, it } from 'vitest';
import { cssString, remoteCursorCss } from './remoteCursorStyles';
import type { Participant } from '../lib/presence';

const person = (clientId: number, name: string, color: string, isSelf = false): Participant => ({
  clientId,
  name,
  color,
  isSelf,
  typing: false,
});

describe('remoteCursorCss', () => {
  it('styles each remote client by id and skips yourself', () => {
    const css = remoteCursorCss([person(1, 'Me', '#112233', true), person(42, 'Ada', '#e5484d')]);
    expect(css).toContain('.yRemoteSelection-42 { background-color: rgba(229, 72, 77, 0.28); }');
    expect(css).toContain('.yRemoteSelectionHead-42 { border-color: #e5484d; }');
    expect(css).toContain('.yRemoteSelectionHead-42::after { content: "Ada";');
    expect(css).not.toContain('-1 ');
    expect(css).not.toContain('Me');
  });

  it('cannot be broken out of by a hostile name or colour', () => {
    const css = remoteCursorCss([person(7, '"; } body { display: none } .x { content: "\\', '#000000'), person(8, 'x', 'red}')]);
    expect(css).toContain('content: "\\"; } body { display: none } .x { content: \\"\\\\"');
    expect(css).not.toContain('yRemoteSelection-8');
  });

  it('escapes control characters', () => {
    expect(cssString('a\nb')).toBe('"a\\a b"');
    expect(cssString('tab\there')).toBe('"tab\\9 here"');
  });

  it('picks readable label text', () => {
    expect(remoteCursorCss([person(1, 'Y', '#ffd166')])).toContain('color: #000000');
    expect(remoteCursorCss([person(1, 'B', '#3e63dd')])).toContain('color: #ffffff');
  });
});
