import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mayEdit, roleMatrixMarkdown, verdictFor } from './role-matrix.js';

/** The role x message matrix: the rules the room applies, and the README's copy of them. */

describe('role matrix', () => {
  it('viewers read and show presence; their document writes are ignored', () => {
    expect(verdictFor('viewer', 'syncStep1')).toBe('allowed');
    expect(verdictFor('viewer', 'syncStep2')).toBe('ignored');
    expect(verdictFor('viewer', 'update')).toBe('ignored');
    expect(verdictFor('viewer', 'awareness')).toBe('allowed');
    expect(verdictFor('viewer', 'awarenessQuery')).toBe('allowed');
    expect(mayEdit('viewer')).toBe(false);
  });

  it('editors and owners may do everything that exists', () => {
    for (const role of ['editor', 'owner'] as const) {
      for (const message of ['syncStep1', 'syncStep2', 'update', 'awareness', 'awarenessQuery'] as const) {
        expect(verdictFor(role, message)).toBe('allowed');
      }
      expect(mayEdit(role)).toBe(true);
    }
  });

  it('every role may chat; editors and owners run code, a viewer’s run messages are ignored', () => {
    for (const role of ['viewer', 'editor', 'owner'] as const) expect(verdictFor(role, 'chat')).toBe('allowed');
    expect(verdictFor('viewer', 'run')).toBe('ignored');
    expect(verdictFor('editor', 'run')).toBe('allowed');
    expect(verdictFor('owner', 'run')).toBe('allowed');
  });

  it('the README shows exactly this matrix', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(roleMatrixMarkdown());
  });
});
