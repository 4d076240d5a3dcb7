export * from './storage/index.js';
export * from './completion/index.js';
export * from './server.js';
export { loadConfig, type AuthConfig } from './config.js';
