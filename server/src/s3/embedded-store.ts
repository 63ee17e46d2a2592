// s3rver (the embedded backend) writes an upload straight to the object's final path and commits whatever
// arrived, even when the sender went away mid-body: an aborted PUT would leave a truncated object, which is
// exactly what the gateway's abort-on-bad-signature must prevent. MinIO and S3 never commit an incomplete
// body; these replacements of s3rver's two write paths give the embedded store the same guarantee
// (temp file + rename, committed only after a complete body).
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The slice of s3rver's FilesystemStore (lib/stores/filesystem.js) replaced here. */
export interface S3rverFilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  putObject(object: { bucket: string; key: string; content: Readable | Buffer; metadata: unknown }): Promise<{ size: number; md5: string }>;
  putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<{ size: number; md5: string }>;
}

async function writeAtomically(finalPath: string, content: Readable | Buffer): Promise<{ size: number; md5: string }> {
  await mkdir(dirname(finalPath), { recursive: true });
  const tmp = `${finalPath}.${randomBytes(6).toString('hex')}.partial`;
  const md5 = createHash('md5');
  let size = 0;
  try {
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    const measure = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        md5.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(source, measure, createWriteStream(tmp));
    // An http.IncomingMessage that ended early says so here.
    if ((content as { complete?: boolean }).complete === false) throw new Error('request body ended before Content-Length');
    await rename(tmp, finalPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { size, md5: md5.digest('hex') };
}

export function makeWritesAtomic(store: S3rverFilesystemStore): void {
  store.putObject = async (object) => {
    const written = await writeAtomically(store.getResourcePath(object.bucket, object.key, 'object'), object.content);
    await store.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return written;
  };
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    const written = await writeAtomically(partPath, content);
    await writeFile(`${partPath}.md5`, written.md5);
    return written;
  };
}
