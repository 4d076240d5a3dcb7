import { describe, expect, it } from 'vitest';
import { analyzeCursor } from './context.js';
import { identifierPartSource } from './identifier-parts.js';
import { suggest } from './local.testkit.js';

function partOptions(code: string): { texts: string[]; lambda: number } | null {
  const source = identifierPartSource(analyzeCursor(code, code.length, 'python'));
  return source === null ? null : { texts: source.options.map((o) => o.text), lambda: source.lambda };
}

describe('identifier parts', () => {
  it('completes the part being typed from the parts of earlier identifiers, in the case being typed', () => {
    expect(partOptions('state = MachineState.START\ncoding_st')).toEqual({ texts: ['ate'], lambda: 2 / 2.5 });
    expect(partOptions('coding_state = 1\nprobingSta')?.texts).toEqual(['te']);
    expect(partOptions('ERROR_CODE = 1\nWARN_CO')?.texts).toEqual(['DE']);
  });

  it('takes whole parts for a bare word, most frequent first', () => {
    expect(partOptions('max_count = min_count = 0\nrow_counter = 1\nco')?.texts).toEqual(['unt', 'unter']);
  });

  it('has nothing to say without a typed part or a matching part', () => {
    expect(partOptions('coding_state = 1\ncoding_')).toBeNull();
    expect(partOptions('coding_state = 1\nx = zz')).toBeNull();
    expect(partOptions('wert_größe = 1\nwert_grö')).toBeNull();
  });

  it('lets the engine complete a new name built from known parts', () => {
    // No word of the document starts `coding_st`; without parts the engine had nothing to show.
    expect(suggest('python', 'class Machine:\n    def next_state(self):\n        coding_st')).toBe('ate');
  });
});
