// What admins do with a machine's volumes (DESIGN §6): browse, back up as a tar stream, restore or seed from
// one, wipe. A volume is the prefix machines/<mac-hex>/<name>/ of the backend bucket. Listing and deleting use
// the `minio` package; object bodies stream through the backend client so no object is held in memory.
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as Minio from 'minio';
import type { Logger } from 'pino';
import * as tar from 'tar-stream';
import { machinePrefix } from '../domain/s3-policy.ts';
import { type BackendClient, type BackendConfig, createBackendClient } from './backend-client.ts';
import { minioClient } from './backend.ts';

export interface VolumeSummary {
  name: string;
  objects: number;
  bytes: number;
  /** When an object of the volume was last written; null for an empty volume. */
  lastPush: Date | null;
}

export interface VolumeObject {
  /** Path inside the volume (no machine or volume prefix). */
  path: string;
  size: number;
  lastModified: Date;
  etag: string;
}

export interface RestoreResult {
  objects: number;
  bytes: number;
  /** Objects that were in the volume but not in the archive, now deleted. */
  removed: number;
}

/** The archive entry names a restore accepts: relative, no `.`/`..`/empty segments, no backslashes. */
export function safeEntryPath(name: string): string | null {
  const p = name.replace(/^\.\//, '');
  if (p === '' || p.length > 900 || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return null;
  return p.split('/').some((s) => s === '' || s === '.' || s === '..') ? null : p;
}

/** The archive itself is unusable (client error). */
export class VolumeRestoreError extends Error {}
/** The backend refused or failed a write (server-side error). */
export class VolumeBackendError extends Error {}

export class VolumeService {
  readonly #minio: Minio.Client;
  readonly #backend: BackendClient;
  readonly #bucket: string;

  constructor(config: BackendConfig, private readonly logger: Logger) {
    this.#minio = minioClient(config);
    this.#backend = createBackendClient(config);
    this.#bucket = config.bucket;
  }

  close(): void {
    this.#backend.close();
  }

  async list(macHex: string): Promise<VolumeSummary[]> {
    const prefix = machinePrefix(macHex);
    const byName = new Map<string, VolumeSummary>();
    for await (const o of this.#minio.listObjectsV2(this.#bucket, prefix, true)) {
      if (!o.name) continue;
      const name = o.name.slice(prefix.length).split('/')[0];
      const v = byName.get(name) ?? { name, objects: 0, bytes: 0, lastPush: null };
      v.objects += 1;
      v.bytes += o.size;
      if (!v.lastPush || o.lastModified > v.lastPush) v.lastPush = o.lastModified;
      byName.set(name, v);
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async listObjects(macHex: string, volume: string): Promise<VolumeObject[]> {
    const prefix = `${machinePrefix(macHex)}${volume}/`;
    const out: VolumeObject[] = [];
    for await (const o of this.#minio.listObjectsV2(this.#bucket, prefix, true)) {
      if (o.name) out.push({ path: o.name.slice(prefix.length), size: o.size, lastModified: o.lastModified, etag: o.etag });
    }
    return out;
  }

  /** The volume as a tar stream (entries in key order); null when the volume holds nothing. */
  async archive(macHex: string, volume: string): Promise<Readable | null> {
    const objects = await this.listObjects(macHex, volume);
    if (objects.length === 0) return null;
    const prefix = `${machinePrefix(macHex)}${volume}/`;
    const pack = tar.pack();
    (async () => {
      for (const o of objects) {
        const res = await this.#get(prefix + o.path);
        const entry = pack.entry({ name: o.path, size: o.size, mtime: o.lastModified, mode: 0o644 });
        await pipeline(res, entry);
      }
      pack.finalize();
    })().catch((err: Error) => {
      this.logger.warn({ err, macHex, volume }, 'volume archive failed mid-stream');
      pack.destroy(err);
    });
    return pack as unknown as Readable;
  }

  /**
   * Makes the volume hold exactly the archive's regular files: each is streamed to the backend as it is read,
   * then objects absent from the archive are deleted (so a failed restore never loses the old contents first).
   */
  async restore(macHex: string, volume: string, tarStream: Readable): Promise<RestoreResult> {
    const prefix = `${machinePrefix(macHex)}${volume}/`;
    const extract = tar.extract();
    const written = new Set<string>();
    let bytes = 0;
    const feeding = pipeline(tarStream, extract);
    try {
      for await (const entry of extract) {
        const { header } = entry;
        if (header.type === 'directory') {
          entry.resume();
          continue;
        }
        const path = safeEntryPath(header.name);
        if (header.type !== 'file' || path === null) {
          throw new VolumeRestoreError(`archive entry ${JSON.stringify(header.name.slice(0, 200))} is not a plain file with a relative path`);
        }
        await this.#put(prefix + path, entry as unknown as Readable, header.size ?? 0);
        written.add(path);
        bytes += header.size ?? 0;
      }
      await feeding;
    } catch (err) {
      extract.destroy();
      tarStream.destroy();
      feeding.catch(() => { /* the error below is the one reported */ });
      if (err instanceof VolumeRestoreError || err instanceof VolumeBackendError) throw err;
      throw new VolumeRestoreError(`not a readable tar stream: ${(err as Error).message}`);
    }
    const stale = (await this.listObjects(macHex, volume)).filter((o) => !written.has(o.path)).map((o) => prefix + o.path);
    if (stale.length) await this.#minio.removeObjects(this.#bucket, stale);
    return { objects: written.size, bytes, removed: stale.length };
  }

  async wipe(macHex: string, volume: string): Promise<{ removed: number }> {
    const prefix = `${machinePrefix(macHex)}${volume}/`;
    const keys = (await this.listObjects(macHex, volume)).map((o) => prefix + o.path);
    if (keys.length) await this.#minio.removeObjects(this.#bucket, keys);
    return { removed: keys.length };
  }

  async #get(key: string): Promise<IncomingMessage> {
    const req = this.#backend.request({ method: 'GET', key });
    req.end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    if (res.statusCode !== 200) {
      res.resume();
      throw new VolumeBackendError(`backend GET ${key} answered ${res.statusCode}`);
    }
    return res;
  }

  async #put(key: string, body: Readable, size: number): Promise<void> {
    const req = this.#backend.request({ method: 'PUT', key, headers: { 'content-length': String(size), 'content-type': 'application/octet-stream' } });
    const response = once(req, 'response') as Promise<[IncomingMessage]>;
    await pipeline(body, req);
    const [res] = await response;
    res.resume();
    if (res.statusCode !== 200) throw new VolumeBackendError(`backend PUT ${key} answered ${res.statusCode}`);
  }
}
