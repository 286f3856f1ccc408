export * from './express.js';
export * from './fastify.js';
export * from './koa.js';
export * from './node.js';
