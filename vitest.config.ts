import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));
const BROWSER_TESTS = 'packages/web/test/**/*.test.ts';
/** Builds the Dockerfile with Debian's dockerd (root; minutes when cold): last, on its own. */
const IMAGE_TESTS = 'packages/server/test/image.test.ts';

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of sibling packages, not their build output.
    // A subpath (`@pairwise/protocol/document`) is the module of that name beside the index.
    alias: [
      { find: /^@pairwise\/(protocol|complete|server)$/, replacement: `${packages}$1/src/index.ts` },
      { find: /^@pairwise\/(protocol)\/(\w+)$/, replacement: `${packages}$1/src/$2.ts` },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real servers and databases; two cores do not like many at once.
    maxWorkers: 2,
    // `npm test` runs the projects one after the other: Chromium's CPU and disk load would otherwise
    // stretch the fsync latency the crash tests measure.
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [BROWSER_TESTS, IMAGE_TESTS, '**/node_modules/**'],
        },
      },
      {
        extends: true,
        // One file at a time: a file drives two or three Chromium pages, which with the server keep both
        // cores busy; two files at once doubled each test's time (one passed its 90 s limit on 2026-12-02).
        test: { name: 'browser', include: [BROWSER_TESTS], maxWorkers: 1 },
      },
      { extends: true, test: { name: 'image', include: [IMAGE_TESTS] } },
    ],
  },
});
