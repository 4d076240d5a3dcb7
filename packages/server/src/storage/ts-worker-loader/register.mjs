// Test-only: lets a worker thread started under vitest run the TypeScript sources (see
// workerEntry in ../worker-client.ts). Built code never loads this: it runs dist/*.js.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
