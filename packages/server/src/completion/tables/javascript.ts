import type { LanguageTable } from './types.js';

const JS_MEMBERS: LanguageTable['members'] = {
  console: ['log(', 'error(', 'warn(', 'info(', 'debug(', 'table(', 'time(', 'timeEnd(', 'dir(', 'assert(', 'trace('],
  Math: ['floor(', 'max(', 'min(', 'round(', 'abs(', 'random(', 'ceil(', 'sqrt(', 'pow(', 'PI', 'log(', 'sign(', 'trunc('],
  JSON: ['stringify(', 'parse('],
  Object: [
    'keys(', 'assign(', 'entries(', 'values(', 'freeze(', 'create(', 'defineProperty(', 'getPrototypeOf(', 'fromEntries(',
    'prototype',
  ],
  Array: ['isArray(', 'from(', 'of(', 'prototype'],
  Promise: ['resolve(', 'reject(', 'all(', 'race(', 'allSettled(', 'any('],
  Number: ['isInteger(', 'isNaN(', 'parseInt(', 'parseFloat(', 'isFinite(', 'MAX_SAFE_INTEGER', 'EPSILON'],
  String: ['fromCharCode(', 'raw'],
  process: ['env', 'argv', 'exit(', 'cwd(', 'nextTick(', 'on(', 'platform', 'stdout', 'stderr', 'pid'],
  document: ['getElementById(', 'querySelector(', 'createElement(', 'querySelectorAll(', 'addEventListener(', 'body'],
  window: ['addEventListener(', 'location', 'setTimeout(', 'removeEventListener(', 'innerWidth'],
  Symbol: ['iterator', 'for(', 'asyncIterator'],
  Buffer: ['from(', 'alloc(', 'isBuffer(', 'concat(', 'byteLength(', 'allocUnsafe('],
};

const JS_GENERIC_MEMBERS = [
  'length', 'push(', 'prototype', 'call(', 'map(', 'then(', 'forEach(', 'apply(', 'slice(', 'indexOf(', 'filter(',
  'join(', 'toString(', 'split(', 'replace(', 'includes(', 'reduce(', 'catch(', 'find(', 'some(', 'every(', 'concat(',
  'trim(', 'startsWith(', 'endsWith(', 'get(', 'set(', 'has(', 'delete(', 'add(', 'keys(', 'values(', 'entries(',
  'pop(', 'shift(', 'unshift(', 'splice(', 'sort(', 'toLowerCase(', 'toUpperCase(', 'charCodeAt(', 'substring(',
  'emit(', 'on(', 'once(', 'hasOwnProperty(', 'bind(', 'finally(', 'size', 'name', 'message', 'type', 'value',
];

export const JAVASCRIPT: LanguageTable = {
  statementKeywords: [
    'return', 'const', 'if', 'function', 'let', 'var', 'else', 'for', 'throw', 'import', 'export', 'case', 'break',
    'while', 'try', 'catch', 'switch', 'class', 'continue', 'default', 'finally', 'do', 'async', 'await', 'yield', 'delete',
  ],
  expressionKeywords: [
    'this', 'function', 'null', 'undefined', 'true', 'false', 'new', 'typeof', 'instanceof', 'await', 'async', 'void',
    'in', 'of', 'yield', 'super', 'arguments',
  ],
  builtins: [
    'require(', 'module', 'exports', 'console', 'Object', 'Array', 'Error', 'Promise', 'Math', 'JSON', 'String', 'Number',
    'Boolean', 'Symbol', 'Map', 'Set', 'WeakMap', 'Date', 'RegExp', 'TypeError', 'RangeError', 'Buffer', 'process',
    'setTimeout(', 'clearTimeout(', 'setInterval(', 'clearInterval(', 'setImmediate(', 'parseInt(', 'parseFloat(',
    'isNaN(', 'fetch(', 'document', 'window', 'globalThis', 'queueMicrotask(', 'structuredClone(', 'encodeURIComponent(',
    'decodeURIComponent(', 'Uint8Array', 'ArrayBuffer', 'Infinity', 'NaN',
  ],
  members: JS_MEMBERS,
  genericMembers: JS_GENERIC_MEMBERS,
  directives: [],
  snippets: [
    { label: 'console.log', body: 'console.log()' },
    { label: 'for (let i…)', body: 'for (let i = 0; i < n; i++) {\n\t\n}' },
    { label: 'for…of', body: 'for (const item of items) {\n\t\n}' },
    { label: 'if', body: 'if (condition) {\n\t\n}' },
    { label: 'if / else', body: 'if (condition) {\n\t\n} else {\n\t\n}' },
    { label: 'while', body: 'while (condition) {\n\t\n}' },
    { label: 'function', body: 'function name(params) {\n\t\n}' },
    { label: 'async function main', body: 'async function main() {\n\t\n}\n\nmain();' },
    { label: 'arrow function', body: 'const name = (params) => {\n\t\n};' },
    { label: 'class', body: 'class Name {\n\tconstructor() {\n\t\t\n\t}\n}' },
    { label: 'try / catch', body: 'try {\n\t\n} catch (error) {\n\t\n}' },
    { label: 'switch', body: 'switch (value) {\n\tcase 1:\n\t\tbreak;\n\tdefault:\n\t\tbreak;\n}' },
  ],
  blocks: 'brace',
  defaultIndent: '  ',
  lineComment: '//',
  blockComment: ['/*', '*/'],
  blockHeaders: ['if', 'for', 'while', 'switch', 'catch', 'function', 'class', 'else', 'try', 'do', 'finally'],
};

export const TYPESCRIPT: LanguageTable = {
  ...JAVASCRIPT,
  statementKeywords: [
    ...JAVASCRIPT.statementKeywords, 'interface', 'type', 'enum', 'namespace', 'declare', 'abstract', 'private',
    'public', 'protected', 'readonly', 'static', 'override',
  ],
  expressionKeywords: [
    ...JAVASCRIPT.expressionKeywords, 'string', 'number', 'boolean', 'unknown', 'never', 'readonly', 'keyof', 'as',
    'satisfies', 'extends', 'implements', 'infer', 'Record', 'Partial', 'Readonly', 'Promise', 'ReadonlyArray', 'void',
  ],
  snippets: [
    ...JAVASCRIPT.snippets,
    { label: 'interface', body: 'interface Name {\n\t\n}' },
    { label: 'type', body: 'type Name = {\n\t\n};' },
  ],
  blockHeaders: [...JAVASCRIPT.blockHeaders, 'interface', 'enum', 'namespace'],
};
