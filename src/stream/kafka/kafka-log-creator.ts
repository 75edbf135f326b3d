import { logLevel, type logCreator } from 'kafkajs';
import type { LogFields, Logger } from '../../shared/logger.port';

/**
 * kafkajs' connection layer logs every broker error response ("Response Heartbeat(...)") at
 * ERROR before the caller decides what it means. Most are routine (a rebalance answers
 * heartbeats with REBALANCE_IN_PROGRESS) and the caller logs what matters itself (the runner
 * warns "The group is rebalancing"), so these go out at info, not as alarms.
 */
function isRoutineResponse(namespace: string, message: string): boolean {
  return namespace === 'Connection' && message.startsWith('Response ');
}

/**
 * Routes kafkajs' own log lines (the client is created at WARN) to our Logger. Only scalar
 * fields are kept: kafkajs attaches stacks and request details that would bloat every line.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _logger, stack: _stack, ...extra } = log;
      const fields: LogFields = { component: 'kafkajs', namespace };
      for (const [name, value] of Object.entries(extra) as [string, unknown][]) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[name] = value;
        else if (value instanceof Error) fields[name] = value.message;
      }
      if (isRoutineResponse(namespace, message)) logger.info(message, fields);
      else if (level === logLevel.ERROR || level === logLevel.NOTHING) logger.error(message, fields);
      else if (level === logLevel.WARN) logger.warn(message, fields);
      else logger.info(message, fields);
    };
}
