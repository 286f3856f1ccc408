/** `statuskit config check FILE` validates without serving; `statuskit config schema` prints the JSON Schema. */
import { formatProblem } from '../config/errors.js';
import { ConfigError, configJsonSchema, loadConfigFile } from '../config/load.js';
import { type CommandContext, UsageError } from './context.js';

export async function configCommand(ctx: CommandContext): Promise<number> {
  const { positionals } = ctx.parse({});
  const [action, file, extra] = positionals;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  if (action === 'schema') {
    ctx.stdout(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (action !== 'check') throw new UsageError('expected "config check FILE" or "config schema"');
  if (!file) throw new UsageError('config check: missing FILE');
  try {
    const config = await loadConfigFile(file, ctx.env);
    const components = Object.keys(config.components ?? {}).length;
    ctx.stdout(`${file}: valid (${components} component${components === 1 ? '' : 's'})\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    ctx.stderr(`${file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}\n`);
    for (const problem of error.problems) ctx.stderr(`  ${formatProblem(problem)}\n`);
    return 1;
  }
}
