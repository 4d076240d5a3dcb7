export * from './languages.js';
export * from './document.js';
export * from './rooms.js';
export * from './presence.js';
export * from './completion.js';
export * from './access.js';
export * from './auth.js';
