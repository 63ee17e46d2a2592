import pino, { type Logger } from 'pino';

/** JSON lines on stdout. Redaction is a backstop: secrets are never handed to the logger in the first place. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', '*.secretKey', '*.token', 'headers.authorization'], censor: '***' },
  });
}
