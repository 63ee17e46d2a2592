// Content-addressed artifact bytes: DATA_DIR/artifacts/sha256/ab/abcdef…. Uploads stream to a temporary file while
// hashing (never whole in memory), then move into place atomically, so a reader never sees a partial file and two
// names with the same bytes share one file.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { HotArtifactCache } from './hot-cache.ts';

export class BlobTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`body exceeds the artifact size limit of ${limit} bytes`);
  }
}

export class BlobStore {
  readonly root: string;
  readonly #tmp: string;

  /** `hot`: optional in-memory copies of the blobs being served (hot-cache.ts). */
  constructor(dir: string, readonly hot: HotArtifactCache | null = null) {
    this.root = path.resolve(dir);
    this.#tmp = path.join(this.root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.#tmp, { recursive: true });
    await mkdir(path.join(this.root, 'sha256'), { recursive: true });
  }

  /** Path of a blob; sha256 comes from our own database, never from a request. */
  pathFor(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  async ingest(body: Readable, maxBytes: number): Promise<{ sha256: string; size: number }> {
    const tmpFile = path.join(this.#tmp, randomBytes(12).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > maxBytes) return cb(new BlobTooLargeError(maxBytes));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(tmpFile, { flags: 'wx' }));
      const sha256 = hash.digest('hex');
      const dest = this.pathFor(sha256);
      await mkdir(path.dirname(dest), { recursive: true });
      await rename(tmpFile, dest);
      return { sha256, size };
    } catch (err) {
      await rm(tmpFile, { force: true });
      throw err;
    }
  }

  async remove(sha256: string): Promise<void> {
    this.hot?.drop(sha256);
    await rm(this.pathFor(sha256), { force: true });
  }
}
