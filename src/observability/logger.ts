import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import type { AalsConfig } from '../config/schema.js';
import { neutralizeControl, redact, redactText } from './redact.js';

export type Logger = winston.Logger;

/** Every record is redacted before any transport sees it. */
const redactFormat = winston.format((info) => {
  const { level, message, ...rest } = info;
  const cleaned = redact(rest) as Record<string, unknown>;
  for (const key of Object.keys(info)) {
    if (key !== 'level' && key !== 'message') delete (info as Record<string, unknown>)[key];
  }
  Object.assign(info, cleaned);
  info.level = level;
  info.message = typeof message === 'string' ? neutralizeControl(redactText(message)) : redact(message);
  return info;
});

export interface LoggerOptions {
  /** Extra transports (tests capture logs through one). */
  transports?: winston.transport[];
  silent?: boolean;
}

export function createLogger(config: AalsConfig['logging'], options: LoggerOptions = {}): Logger {
  const transports: winston.transport[] = [...(options.transports ?? [])];
  if (config.console) {
    transports.push(new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] }));
  }
  if (config.dir) {
    transports.push(
      new DailyRotateFile({
        dirname: config.dir,
        filename: 'aals-%DATE%.log',
        datePattern: 'YYYY-MM-DD',
        maxSize: config.maxSize,
        maxFiles: config.maxFiles,
        zippedArchive: false,
      }),
    );
  }
  return winston.createLogger({
    level: config.level,
    silent: options.silent ?? transports.length === 0,
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      redactFormat(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports,
  });
}

/** A logger that drops everything, for CLI commands and tests that do not read logs. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
}
