import { describe, expect, it } from 'vitest';
import { completeLocally } from './engine.js';
import { CURSOR } from './local.testkit.js';
import type { LanguagePrior } from './prior.js';
import { tinyPrior } from './prior/prior.testkit.js';

const JS_PRIOR = tinyPrior('javascript', [
  "console.log('start');\nconst x = 1;\nconsole.log(x);\n",
  "console.log('a', b);\nif (ok) console.log(ok);\n",
  "function f() {\n  console.log('f');\n}\n",
]);

function suggest(textWithCursor: string, prior: LanguagePrior | null = JS_PRIOR): string {
  const at = textWithCursor.indexOf(CURSOR);
  const code = at === -1 ? textWithCursor : textWithCursor.replace(CURSOR, '');
  return completeLocally({ code, cursorPosition: at === -1 ? code.length : at, language: 'javascript' }, prior).suggestion;
}

describe('local engine with a learned prior', () => {
  it('knows `console.log(` at the start of a fresh file, where the document knows nothing', () => {
    expect(suggest('cons', null)).toBe('');
    expect(suggest('cons')).toBe('ole.log(');
  });

  it('lets the document outweigh the prior', () => {
    const code = 'const consumer = make();\nconsumer.start();\nconsumer.stop();\ncons';
    expect(suggest(code)).toBe('umer');
  });

  it('never repeats what already follows the cursor', () => {
    expect(suggest(`cons${CURSOR}.log(1);`)).toBe('ole');
    expect(suggest(`console.log(${CURSOR})`)).not.toContain(')');
  });

  it('shows a less certain guess in a comment or string than in code (prose, where a miss costs nothing)', () => {
    // After `let a =` the prior gives b, c, d and e a quarter each: too unsure for code.
    const prior = tinyPrior('javascript', ['let a = b;\nlet a = c;\nlet a = d;\nlet a = e;\n']);
    expect(suggest('let a = ', prior)).toBe('');
    expect(suggest('// let a = ', prior)).toBe('b;');
    expect(suggest("x('let a = ", prior)).toBe('b;');
  });

  it('ignores a prior for another language', () => {
    const code = 'cons';
    const python = completeLocally({ code, cursorPosition: 4, language: 'python' }, JS_PRIOR).suggestion;
    expect(python).toBe(completeLocally({ code, cursorPosition: 4, language: 'python' }).suggestion);
  });
});
