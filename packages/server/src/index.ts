export * from './storage/index.js';
export * from './completion/index.js';
export * from './server.js';
export { loadConfig, type AuthConfig } from './config.js';
export { tuneV8ForServing } from './v8-tuning.js';
export { DEFAULT_LIMITS, type AbuseLimits } from './limits/config.js';
export { RedisRoomBus, type RedisRoomBusOptions } from './cluster/redis-room-bus.js';
