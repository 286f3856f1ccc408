/**
 * `statuskit watch --config FILE` reloads on SIGHUP, as `statuskit serve` does: the file is read and
 * validated again and merged with the same command line as at start. An invalid result changes
 * nothing (every problem is logged); a valid one is applied to the running watcher as a difference,
 * so nothing that stays the same loses its state. The history file and the listening address are
 * held open by the running process: changing them needs a restart, which a warning says.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../client/log.js';
import type { ConfigProblem } from '../config/errors.js';
import { loadWatchConfig } from './config.js';
import { type CommandLineSettings, PlanError, planWatch, type WatchPlan } from './plan.js';
import { diffSummary } from './target-diff.js';
import type { Watcher } from './watcher.js';

export type PlanLoad = { ok: true; plan: WatchPlan } | { ok: false; problems: string[] };

/** The config file read, validated and merged with the command line, or every problem with it. */
export async function loadPlan(
  file: string,
  cli: CommandLineSettings,
  env: NodeJS.ProcessEnv,
): Promise<PlanLoad> {
  try {
    return { ok: true, plan: planWatch(cli, await loadWatchConfig(file, env)) };
  } catch (error) {
    const problems = (error as { problems?: ConfigProblem[] }).problems;
    if ((error as Error).name === 'ConfigError' && problems) {
      return { ok: false, problems: problems.map((p) => `${p.path}: ${p.message}`) };
    }
    if (error instanceof PlanError) return { ok: false, problems: [error.message] };
    throw error;
  }
}

export interface ReloaderOptions {
  file: string;
  /** The command line as parsed at start: it is merged again, unchanged. */
  cli: CommandLineSettings;
  env: NodeJS.ProcessEnv;
  watcher: Watcher;
  log: Logger;
}

export class WatchReloader {
  private reloading: Promise<boolean> | undefined;

  constructor(
    private running: WatchPlan,
    private readonly options: ReloaderOptions,
  ) {}

  /** The plan in effect (the hook timeout bounds the shutdown). */
  get plan(): WatchPlan {
    return this.running;
  }

  /** Re-reads the config and applies it, or keeps the running one. Concurrent reloads share one run. */
  reload(): Promise<boolean> {
    this.reloading ??= this.reloadOnce().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async reloadOnce(): Promise<boolean> {
    const { file, cli, env, log, watcher } = this.options;
    let loaded: PlanLoad;
    try {
      loaded = await loadPlan(file, cli, env);
    } catch (error) {
      // Whatever went wrong, a reload never takes the running watcher down.
      loaded = { ok: false, problems: [(error as Error).message] };
    }
    if (!loaded.ok) {
      log.error('reload failed: keeping the running configuration', { file, problems: loaded.problems });
      return false;
    }
    const next = this.withRunningHistoryAndServe(loaded.plan);
    const summary = diffSummary(watcher.reconfigure(next));
    this.running = next;
    log.info(summary.message, { file, ...summary.fields });
    return true;
  }

  /** The new plan with the running history and listening address, warning when the file changed them. */
  private withRunningHistoryAndServe(next: WatchPlan): WatchPlan {
    const { log } = this.options;
    const { history, serve } = this.running;
    if (next.history !== history) {
      log.warn('history changes take effect on restart', {
        running: history ?? null,
        configured: next.history ?? null,
      });
    }
    if (!isDeepStrictEqual(next.serve, serve)) {
      const address = (listen: WatchPlan['serve']) => (listen ? `${listen.host}:${listen.port}` : null);
      log.warn('serve host and port changes take effect on restart', {
        running: address(serve),
        configured: address(next.serve),
      });
    }
    return { ...next, history, serve };
  }
}
