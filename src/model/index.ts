export * from './aggregate.js';
export * from './http-codes.js';
export * from './levels.js';
export * from './result.js';
export * from './vocabulary.js';
