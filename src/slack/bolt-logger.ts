import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'winston';

/** Bolt's logger interface over winston, so Slack SDK logs are redacted and structured like ours. */
export function boltLogger(logger: Logger): SlackLogger {
  let level = LogLevel.INFO;
  let name = 'slack';
  const write =
    (method: 'debug' | 'info' | 'warn' | 'error') =>
    (...messages: unknown[]) =>
      logger[method](messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' '), {
        component: name,
      });
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}
