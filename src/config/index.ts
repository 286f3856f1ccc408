export { type BuildHooks, type BuiltAgent, buildAgent, type Door } from './build.js';
export { substituteEnv } from './env.js';
export { type ConfigProblem, formatProblem } from './errors.js';
export { duration } from './fields.js';
export {
  ConfigError,
  type ConfigResult,
  configJsonSchema,
  loadConfigFile,
  parseConfig,
  validateConfig,
} from './load.js';
export { type AgentConfig, CHECK_KIND_NAMES, configSchema } from './schema.js';
