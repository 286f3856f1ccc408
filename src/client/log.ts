/**
 * The logs of the agent and the watcher go to stderr (stdout carries the URL list and command
 * output): JSON lines for machines, kept exact, and a readable line for people, in which remote
 * text (a target's message, a status word) is made terminal-safe. `quiet` keeps warnings and errors.
 */
import { terminalSafe } from './terminal-text.js';

export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  quiet?: boolean;
  /** Default: readable when stderr is a TTY. */
  format?: 'json' | 'text';
  write?: (line: string) => void;
  now?: () => Date;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? (process.stderr.isTTY ? 'text' : 'json');
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (options.quiet && level === 'info') return;
    write(
      format === 'json' ? jsonLine(level, message, fields, now()) : textLine(level, message, fields, now()),
    );
  };
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

function jsonLine(level: LogLevel, message: string, fields: Record<string, unknown>, time: Date): string {
  return JSON.stringify({ time: time.toISOString(), level, msg: message, ...fields });
}

function textLine(level: LogLevel, message: string, fields: Record<string, unknown>, time: Date): string {
  const tag = level === 'info' ? '' : `${level.toUpperCase()} `;
  let line = `${time.toISOString().slice(11, 19)} ${tag}${terminalSafe(message)}`;
  const lists: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) lists.push(...value.map((item) => `\n  ${terminalSafe(String(item))}`));
    else line += ` ${terminalSafe(key)}=${terminalSafe(fieldText(value))}`;
  }
  return line + lists.join('');
}

function fieldText(value: unknown): string {
  return typeof value === 'string' ? value : String(JSON.stringify(value));
}
