export * from './store.js';
export * from './memory-store.js';
export * from './sqlite-store.js';
export * from './sqlite-worker-store.js';
export * from './postgres-store.js';
export * from './compaction.js';
export * from './snapshot-encoder.js';
