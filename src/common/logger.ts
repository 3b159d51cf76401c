import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** Structured (JSON lines) logs by default; LOG_FORMAT=pretty for humans at a terminal. */
export function createLogger(format: 'json' | 'pretty', level: LogLevel): ConsoleLogger {
  const levels: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  return new ConsoleLogger({
    json: format === 'json',
    colors: format === 'pretty',
    logLevels: levels.slice(0, levels.indexOf(level) + 1),
  });
}
