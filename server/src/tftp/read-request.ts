// Serves one TFTP read request (RRQ) accepted by the `tftp` package: resolve the name, pick the bytes (file,
// artifact, chain script, or the chain script in place of a looping binary), stream them, and publish one `tftp`
// event when the transfer ends, whatever the outcome.
import { createReadStream } from 'node:fs';
import type { Logger } from 'pino';
import type { GetStream, PutStream } from 'tftp';
import type { EventBus } from '../events.ts';
import { refusalError, TFTP_ERRORS, type TftpError } from './errors.ts';
import type { FileSource, TftpSource } from './file-source.ts';
import type { LoopBreaker } from './loop-breaker.ts';
import { resolveTftpName } from './names.ts';

export interface ReadRequestDeps {
  files: FileSource;
  breaker: LoopBreaker;
  maxFilenameLength: number;
  events: EventBus;
  logger: Logger;
  now: () => number;
}

/** How a transfer ended, as the event records it. */
interface Outcome {
  error?: string;
  /** The chain script went out in place of the binary that was asked for. */
  loopBroken?: boolean;
}

/** Resolves when the transfer is over (completed, refused, aborted by either side or timed out). */
export function serveReadRequest(req: GetStream, res: PutStream, deps: ReadRequestDeps): Promise<void> {
  const started = deps.now();
  const ip = req.stats.remoteAddress;
  const outcome: Outcome = {};
  let closed = false;
  /** Run once the outcome is known, before the event goes out. */
  const onEnd: Array<() => void> = [];

  const done = new Promise<void>((resolve) => {
    // The package emits `close`, then `error` or `abort` in the same tick: settle on the next one.
    req.on('error', (err: Error) => { outcome.error ??= err.message; });
    req.on('abort', () => { outcome.error ??= 'aborted'; });
    req.on('close', () => {
      closed = true;
      process.nextTick(() => {
        for (const f of onEnd) f();
        publish();
        resolve();
      });
    });
  });

  function publish(): void {
    const detail = {
      file: req.file,
      // What the client acknowledged: a size probe aborted after the OACK delivered 0 bytes, whatever was read.
      bytes: res.acknowledgedBytes(),
      ms: deps.now() - started,
      blksize: req.stats.blockSize,
      windowsize: req.stats.windowSize,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      ...(outcome.loopBroken ? { loopBroken: true } : {}),
    };
    deps.events.publish({ type: 'tftp', ip, mac: null, detail });
    deps.logger.debug({ ip, ...detail }, 'tftp transfer');
  }

  function refuse(error: TftpError): void {
    outcome.error = error.message;
    req.abort(error);
  }

  async function start(): Promise<void> {
    const resolved = resolveTftpName(req.file, deps.maxFilenameLength);
    if (!resolved.ok) return refuse(refusalError(resolved.refusal));

    let source: TftpSource | null;
    try {
      source = await deps.files.lookup(resolved.name);
    } catch (err) {
      deps.logger.error({ err, ip, file: resolved.name }, 'tftp lookup failed');
      return refuse(TFTP_ERRORS.internal);
    }
    // The client may have given up (timeout, error packet) while we looked: nothing left to answer.
    if (closed) return;
    if (!source) return refuse(TFTP_ERRORS.not_found);

    if (source.kind === 'file' && source.chainload && deps.breaker.shouldBreak(ip, deps.now())) {
      source = deps.files.chainScript();
      outcome.loopBroken = true;
    }
    if (source.kind === 'script') {
      res.setSize(source.data.length);
      res.end(source.data);
      return;
    }
    sendFile(source.path, source.size, source.chainload);
  }

  function sendFile(path: string, size: number, chainload: boolean): void {
    const rs = createReadStream(path, { highWaterMark: 256 * 1024 });
    rs.on('error', (err) => {
      deps.logger.error({ err, ip, path }, 'tftp read failed');
      refuse(TFTP_ERRORS.internal);
    });
    // An aborted transfer never drains the pipe: release the file.
    onEnd.push(() => {
      rs.destroy();
      if (chainload && outcome.error === undefined) deps.breaker.served(ip, deps.now());
    });
    res.setSize(size);
    rs.pipe(res);
  }

  start().catch((err: unknown) => {
    deps.logger.error({ err, ip, file: req.file }, 'tftp request failed');
    refuse(TFTP_ERRORS.internal);
  });
  return done;
}
