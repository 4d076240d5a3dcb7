import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, inlineScriptHashes } from './csp.js';

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('inlineScriptHashes', () => {
  it('hashes the text of each inline script, exactly as written, and skips scripts loaded by src', () => {
    const html = `<head><script>\n  one();\n</script><script type="module" src="/assets/a.js"></script>
      <SCRIPT data-x="1">two()</SCRIPT ></head><body><script>one()</script><script></script></body>`;
    expect(inlineScriptHashes(html)).toEqual([sha256('\n  one();\n'), sha256('two()'), sha256('one()')]);
  });

  it('finds the theme script of the web app’s index.html', () => {
    const html = readFileSync(new URL('../../../web/index.html', import.meta.url), 'utf8');
    const hashes = inlineScriptHashes(html);
    expect(hashes).toHaveLength(1);
    expect(html).toContain('pairwise.theme');
  });
});

describe('contentSecurityPolicy', () => {
  it('allows scripts only from the server and the hashed inline ones, WebAssembly but no eval; no upgrade-insecure-requests', () => {
    const policy = contentSecurityPolicy(["'sha256-abc'"]);
    expect(policy['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'", "'sha256-abc'"]);
    expect(policy['object-src']).toEqual(["'none'"]);
    expect(policy['worker-src']).toEqual(["'self'", 'blob:']);
    expect(Object.keys(policy)).not.toContain('upgrade-insecure-requests');
  });
});
