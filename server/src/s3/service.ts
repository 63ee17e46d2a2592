// The volumes service as main.ts starts it: pick the backend (configured S3/MinIO, or the embedded s3rver),
// make sure the bucket exists, start the gateway, and build the admin volume routes.
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { normalizeMac } from '../domain/mac.ts';
import type { EventBus } from '../events.ts';
import { apiVolumeRoutes } from '../http/routes/api-volumes.ts';
import type { Stores } from '../store/index.ts';
import { ensureBucket, startEmbeddedBackend } from './backend.ts';
import type { BackendConfig } from './backend-client.ts';
import { createS3Gateway } from './gateway.ts';
import { createPrincipalLookup } from './principals.ts';
import { VolumeService } from './volumes.ts';

export interface S3ServiceDeps {
  config: Config;
  dataDir: string;
  stores: Stores;
  bus: EventBus;
  logger: Logger;
  masterKey: Buffer;
}

export interface RunningS3Service {
  port: number;
  bucket: string;
  volumesPlugin: FastifyPluginAsync;
  close(): Promise<void>;
}

export async function startS3Service(d: S3ServiceDeps): Promise<RunningS3Service> {
  const { config, logger } = d;
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    let backend: BackendConfig;
    if (config.s3BackendUrl) {
      if (!config.s3BackendAccessKey || !config.s3BackendSecretKey) {
        throw new Error('NETBOOT_S3_BACKEND_URL needs NETBOOT_S3_BACKEND_ACCESS_KEY and NETBOOT_S3_BACKEND_SECRET_KEY');
      }
      backend = { endPoint: config.s3BackendUrl, accessKey: config.s3BackendAccessKey, secretKey: config.s3BackendSecretKey, bucket: config.s3Bucket, region: config.s3BackendRegion };
    } else {
      const embedded = await startEmbeddedBackend(path.join(d.dataDir, 's3'), logger);
      closers.push(() => embedded.close());
      backend = { endPoint: embedded.url, accessKey: embedded.accessKey, secretKey: embedded.secretKey, bucket: config.s3Bucket, region: config.s3BackendRegion };
    }
    await ensureBucket(backend, logger);

    const gateway = createS3Gateway({
      host: config.s3Host, port: config.s3Port, backend, events: d.bus, logger,
      principals: createPrincipalLookup({
        getSession: (id) => d.stores.sessions.get(id),
        masterKey: d.masterKey,
        sessionTtlMs: config.s3SessionTtl * 1000,
        bindToClientIp: config.s3BindIp,
      }),
    });
    const { port } = await gateway.listen();
    closers.push(() => gateway.close());

    const volumes = new VolumeService(backend, logger);
    closers.push(() => volumes.close());
    const volumesPlugin = apiVolumeRoutes({ volumes, machineExists: (mac) => d.stores.machines.get(mac) !== null, normalizeMac });
    return { port, bucket: config.s3Bucket, volumesPlugin, close };
  } catch (err) {
    await close();
    throw err;
  }
}
