// The S3 backend behind the gateway: MinIO (or any S3) when configured, otherwise an embedded s3rver so
// volumes work out of the box. The server's own bucket-level operations go through the `minio` package.
import { mkdir } from 'node:fs/promises';
import * as Minio from 'minio';
import type { Logger } from 'pino';
import S3rver from 's3rver';
import type { BackendConfig } from './backend-client.ts';
import { type S3rverFilesystemStore, makeWritesAtomic } from './embedded-store.ts';

export function minioClient(config: BackendConfig): Minio.Client {
  const url = new URL(config.endPoint);
  const useSSL = url.protocol === 'https:';
  return new Minio.Client({
    endPoint: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    region: config.region,
    pathStyle: true,
  });
}

/** Create the bucket when missing; called once at start so the first boot does not race to create it. */
export async function ensureBucket(config: BackendConfig, logger: Logger): Promise<void> {
  const client = minioClient(config);
  if (await client.bucketExists(config.bucket)) return;
  await client.makeBucket(config.bucket, config.region);
  logger.info({ bucket: config.bucket, backend: config.endPoint }, 'created S3 bucket');
}

export interface EmbeddedBackend {
  url: string;
  accessKey: string;
  secretKey: string;
  close(): Promise<void>;
}

/** s3rver's fixed credentials; it listens on loopback only, so they protect nothing and need not be secret. */
const S3RVER_CREDENTIALS = { accessKey: 'S3RVER', secretKey: 'S3RVER' };

/**
 * s3rver in-process on 127.0.0.1 with its data under `dir`. Fine for trying things out and for tests; it does
 * not support multipart listing or versioning and keeps every object as a file, hence the warning.
 */
export async function startEmbeddedBackend(dir: string, logger: Logger): Promise<EmbeddedBackend> {
  await mkdir(dir, { recursive: true });
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  makeWritesAtomic(s3rver.store as S3rverFilesystemStore);
  const addr = await s3rver.run();
  const url = `http://127.0.0.1:${addr.port}`;
  logger.warn({ url, dir }, 'S3: no NETBOOT_S3_BACKEND_URL set, using the embedded s3rver store; point production at MinIO');
  return { url, ...S3RVER_CREDENTIALS, close: () => s3rver.close() };
}
