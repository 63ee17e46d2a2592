// What the HTTP app is built from. main.ts assembles it; tests assemble their own.
import type { Logger } from 'pino';
import type { BlobStore } from '../artifacts/blob-store.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { EventBus } from '../events.ts';
import type { Metrics } from '../metrics.ts';
import type { Stores } from '../store/index.ts';

export interface AppDeps {
  config: Config;
  db: Db;
  stores: Stores;
  blobs: BlobStore;
  bus: EventBus;
  metrics: Metrics;
  logger: Logger;
  masterKey: Buffer;
  /** The S3 gateway as the boot flow needs it; null when the gateway is off. */
  s3: { port: number; bucket: string } | null;
  /** Optional route plugins of other services (volumes API, web UI), registered by main.ts. */
  plugins?: {
    volumes?: import('fastify').FastifyPluginAsync;
    ui?: import('fastify').FastifyPluginAsync;
  };
  version: string;
  /** Whether the TFTP service is listening (it starts after HTTP, and may fail to bind port 69). */
  tftpListening: () => boolean;
}
