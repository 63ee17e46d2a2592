// Kernels and initramfs are read by every machine that boots, often by hundreds at once. Serving them from memory
// sends each response as a few large socket writes instead of a file stream, ~2× faster than streaming (and than
// nginx's sendfile on this machine, bench/RESULTS.md). Blobs are content-addressed and never change, so the cache
// needs no invalidation: a bounded LRU by sha256, filled in the background on first use.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';

export class HotArtifactCache {
  readonly #entries = new Map<string, Buffer>(); // insertion order = LRU order
  readonly #loading = new Set<string>();
  #bytes = 0;

  /** `maxBytes` 0 turns the cache off; a blob larger than half the budget is never cached (it would evict all). */
  constructor(private readonly maxBytes: number, private readonly logger: Logger) {}

  get bytes(): number { return this.#bytes; }

  get(sha256: string): Buffer | undefined {
    const buf = this.#entries.get(sha256);
    if (buf) { this.#entries.delete(sha256); this.#entries.set(sha256, buf); }
    return buf;
  }

  /** Starts loading a blob that was just served from disk, when it is worth caching. Never throws. */
  warm(sha256: string, path: string, size: number): void {
    if (size === 0 || size > this.maxBytes / 2 || this.#entries.has(sha256) || this.#loading.has(sha256)) return;
    this.#loading.add(sha256);
    readFile(path).then((buf) => {
      if (buf.length !== size) return; // not the blob we were told about: leave it to the disk path
      while (this.#bytes + size > this.maxBytes && this.#entries.size > 0) {
        const [oldest, old] = this.#entries.entries().next().value as [string, Buffer];
        this.#entries.delete(oldest);
        this.#bytes -= old.length;
      }
      this.#entries.set(sha256, buf);
      this.#bytes += size;
    }, (err) => this.logger.warn({ err, sha256 }, 'could not cache an artifact; serving it from disk'))
      .finally(() => this.#loading.delete(sha256));
  }

  /** A deleted blob must not outlive its file in memory. */
  drop(sha256: string): void {
    const buf = this.#entries.get(sha256);
    if (buf) { this.#entries.delete(sha256); this.#bytes -= buf.length; }
  }
}
