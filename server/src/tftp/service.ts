// The TFTP service (DESIGN §1): read-only, serves iPXE binaries, artifacts by name and generated chain scripts,
// on top of the npm `tftp` package (patched: patches/tftp+0.1.2.patch). `main.ts` creates and starts it.
import { tmpdir } from 'node:os';
import type { Logger } from 'pino';
import { createServer, type Server } from 'tftp';
import type { EventBus } from '../events.ts';
import { createFileSource, type TftpArtifacts } from './file-source.ts';
import { LoopBreaker } from './loop-breaker.ts';
import { serveReadRequest } from './read-request.ts';

export interface TftpServiceOptions {
  host: string;
  /** 0 = an ephemeral port (tests). */
  port: number;
  /** Directory of iPXE binaries, or null to serve only artifacts (kind `ipxe` for the binaries). */
  ipxeDir: string | null;
  artifacts: TftpArtifacts;
  /** Absolute http(s) URL of `/boot.ipxe`: where the generated scripts chain to. */
  bootScriptUrl: () => string;
  blksizeCap?: number;
  windowsizeCap?: number;
  loopBreakWindowMs?: number;
  maxFilenameLength?: number;
  /** Our retransmission timeout when the client negotiates none (RFC 2349 `timeout` overrides it). */
  retransmitMs?: number;
  /** How long `close()` lets in-flight transfers finish before aborting them. */
  closeGraceMs?: number;
  events: EventBus;
  logger: Logger;
}

export interface TftpService {
  listen(): Promise<{ port: number }>;
  close(): Promise<void>;
}

const DEFAULTS = {
  // RFC 2348's maximum. Clients ask for what their path carries (PXE ROMs ~1456–1468); lower the cap where big
  // datagrams get fragmented and fragments dropped.
  blksizeCap: 65464,
  // RFC 7440 finds little gain past 8–16 blocks in flight; 16 keeps a window of 8 KiB blocks inside the default
  // UDP socket buffers (~208 KiB).
  windowsizeCap: 16,
  // Long enough for the iPXE we just sent to start, DHCP and ask again (~2–10 s, more under emulation); short
  // enough that a machine rebooting after a failed boot gets the binary again.
  loopBreakWindowMs: 30_000,
  // Real boot file names are short; 255 bytes is a file name limit everywhere and fits the 512-byte RRQ.
  maxFilenameLength: 255,
  // tftpd-hpa's default: firmware PXE clients time out after 1–4 s themselves.
  retransmitMs: 1000,
  closeGraceMs: 5000,
} as const;

/**
 * Retransmissions before a transfer is given up. The patched package doubles the wait each time (capped at 8×):
 * with 1 s that is 1 + 2 + 4 + 8 + 8 s of retries and a last 8 s wait, ~31 s of silence before giving up.
 */
const RETRIES = 5;

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`tftp ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

export function createTftpService(opts: TftpServiceOptions): TftpService {
  const port = checkInteger('port', opts.port, 0, 65535);
  const blksizeCap = checkInteger('blksizeCap', opts.blksizeCap ?? DEFAULTS.blksizeCap, 512, 65464);
  const windowsizeCap = checkInteger('windowsizeCap', opts.windowsizeCap ?? DEFAULTS.windowsizeCap, 1, 65535);
  const loopBreakWindowMs = checkInteger('loopBreakWindowMs', opts.loopBreakWindowMs ?? DEFAULTS.loopBreakWindowMs, 0, 3_600_000);
  const maxFilenameLength = checkInteger('maxFilenameLength', opts.maxFilenameLength ?? DEFAULTS.maxFilenameLength, 1, 500);
  const retransmitMs = checkInteger('retransmitMs', opts.retransmitMs ?? DEFAULTS.retransmitMs, 1, 255_000);
  const closeGraceMs = checkInteger('closeGraceMs', opts.closeGraceMs ?? DEFAULTS.closeGraceMs, 0, 600_000);
  const logger = opts.logger.child({ component: 'tftp' });

  const deps = {
    files: createFileSource(opts),
    breaker: new LoopBreaker(loopBreakWindowMs),
    maxFilenameLength,
    events: opts.events,
    logger,
    now: () => Date.now(),
  };
  const inFlight = new Map<Promise<void>, () => void>();
  let server: Server | null = null;

  function listen(): Promise<{ port: number }> {
    if (server) throw new Error('tftp service already listening');
    const s = createServer(
      {
        host: opts.host,
        port,
        // The package's static file handler is replaced by ours, so this root is never read; it must exist.
        root: tmpdir(),
        denyPUT: true, // read-only: a WRQ gets error 2 (access violation) before anything is opened
        blockSize: blksizeCap,
        windowSize: windowsizeCap,
        timeout: retransmitMs,
        retries: RETRIES,
      },
      (req, res) => {
        const done = serveReadRequest(req, res, deps);
        inFlight.set(done, () => req.abort({ code: 0, message: 'Server shutting down' }));
        void done.finally(() => inFlight.delete(done));
      },
    );
    server = s;
    return new Promise((resolve, reject) => {
      const onStartError = (err: Error): void => {
        server = null;
        reject(err);
      };
      s.once('error', onStartError);
      s.once('listening', () => {
        s.off('error', onStartError);
        // After start-up, socket errors are logged: in-flight transfers keep going on their own sockets.
        s.on('error', (err: Error) => logger.error({ err }, 'tftp listener error'));
        const bound = s.address();
        logger.info({ host: bound.address, port: bound.port }, 'tftp listening');
        resolve({ port: bound.port });
      });
      s.listen();
    });
  }

  async function close(): Promise<void> {
    if (!server) return;
    const s = server;
    server = null;
    await new Promise<void>((resolve) => {
      s.once('close', resolve);
      s.close();
    });
    if (inFlight.size === 0) return;
    const grace = new Promise<'timeout'>((resolve) => setTimeout(resolve, closeGraceMs, 'timeout').unref());
    if ((await Promise.race([Promise.all(inFlight.keys()), grace])) === 'timeout') {
      logger.warn({ transfers: inFlight.size }, 'tftp: aborting transfers still running at shutdown');
      for (const abort of inFlight.values()) abort();
      await Promise.all(inFlight.keys());
    }
  }

  return { listen, close };
}
