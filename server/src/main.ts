// The composition root (DESIGN §1, STYLE §1): open the database and migrate, build the stores, then start each
// service behind its own switch; stop them in reverse order and close the database last.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { BlobStore } from './artifacts/blob-store.ts';
import { HotArtifactCache } from './artifacts/hot-cache.ts';
import type { Config } from './config.ts';
import { migrateDb, openDb } from './db/client.ts';
import { EventBus } from './events.ts';
import { buildApp } from './http/app.ts';
import { uiRoutes } from './http/routes/ui.ts';
import type { AppDeps } from './http/deps.ts';
import { createLogger } from './logger.ts';
import { loadMasterKey } from './master-key.ts';
import { Metrics } from './metrics.ts';
import { createStores, type Stores } from './store/index.ts';
import { startTimelineWriter } from './timeline.ts';

export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/** Debian's `ipxe` package: undionly.kpxe, ipxe.efi, snponly.efi. */
const DEBIAN_IPXE_DIR = '/usr/lib/ipxe';

export interface RunningNetboot {
  httpUrl: string;
  httpPort: number;
  tftpPort: number | null;
  s3Port: number | null;
  /** Set only on the very first start without NETBOOT_ADMIN_TOKEN: shown once, never stored. */
  initialAdminToken: string | null;
  stores: Stores;
  bus: EventBus;
  logger: Logger;
  close(): Promise<void>;
}

type Closer = () => Promise<void> | void;

export async function startNetboot(config: Config, opts: { logger?: Logger } = {}): Promise<RunningNetboot> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const closers: Closer[] = []; // run in reverse on close
  const dataDir = path.resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });

  const database = openDb(path.join(dataDir, 'netboot.sqlite'));
  closers.push(() => database.close());
  try {
    migrateDb(database.db);
    const stores = createStores(database.db);
    const masterKey = await loadMasterKey(dataDir, config.masterKey);
    const hot = config.artifactCacheBytes > 0 ? new HotArtifactCache(config.artifactCacheBytes, logger) : null;
    const blobs = new BlobStore(path.join(dataDir, 'artifacts'), hot);
    await blobs.init();

    const bus = new EventBus();
    const metrics = new Metrics({ defaultMetrics: true });
    closers.push(metrics.subscribeTo(bus), startTimelineWriter(bus, stores, logger));

    const plugins: NonNullable<AppDeps['plugins']> = {};
    let s3: AppDeps['s3'] = null;
    let s3Port: number | null = null;
    let tftpPort: number | null = null;

    // --- S3 gateway ---
    // NETBOOT_S3_PORT=0 turns volumes off. Loaded on demand: a server without volumes never loads s3rver or minio.
    if (config.s3Port !== 0) {
      const { startS3Service } = await import('./s3/service.ts');
      const s3Service = await startS3Service({ config, dataDir, stores, bus, logger, masterKey });
      closers.push(() => s3Service.close());
      s3Port = s3Service.port;
      s3 = { port: s3Service.port, bucket: s3Service.bucket };
      plugins.volumes = s3Service.volumesPlugin;
    }
    // --- end S3 gateway ---

    plugins.ui = uiPlugin();

    const app = await buildApp({ config, db: database.db, stores, blobs, bus, metrics, logger, masterKey, s3, plugins, version: VERSION, tftpListening: () => tftpPort !== null });
    await app.listen({ host: config.httpHost, port: config.httpPort });
    closers.push(() => app.close());
    const address = app.server.address();
    const httpPort = typeof address === 'object' && address ? address.port : config.httpPort;
    const localHost = config.httpHost === '0.0.0.0' || config.httpHost === '::' ? '127.0.0.1' : config.httpHost;
    const httpUrl = `http://${localHost.includes(':') ? `[${localHost}]` : localHost}:${httpPort}`;
    // TFTP's generated autoexec.ipxe chains here. HTTP derives its URLs from each request's Host header, but a TFTP
    // request carries no such thing (and Node can't read a datagram's destination address): without
    // NETBOOT_PUBLIC_URL, use the listening address, or this host's first LAN address when listening on all.
    const tftpBase = config.publicUrl?.replace(/\/+$/, '') ?? `http://${lanAddress(config.httpHost)}:${httpPort}`;
    const bootScriptUrl = () => `${tftpBase}/boot.ipxe`;
    if (!config.publicUrl && config.tftpPort !== 0) logger.warn({ bootScriptUrl: bootScriptUrl() }, 'NETBOOT_PUBLIC_URL is not set: TFTP chain scripts guess the address machines reach this server at');

    // --- TFTP service ---
    // NETBOOT_TFTP_PORT=0 turns TFTP off. iPXE binaries come from the configured dir, else Debian's when installed,
    // else only from artifacts (kind `ipxe`); any artifact is served by name for TFTP-only loaders.
    if (config.tftpPort !== 0) {
      const { createTftpService } = await import('./tftp/service.ts');
      const tftp = createTftpService({
        host: config.tftpHost,
        port: config.tftpPort,
        ipxeDir: config.ipxeDir ?? (existsSync(DEBIAN_IPXE_DIR) ? DEBIAN_IPXE_DIR : null),
        artifacts: {
          find: async (name) => {
            const a = stores.artifacts.get(name);
            return a ? { path: blobs.pathFor(a.sha256), size: a.size, kind: a.kind } : null;
          },
        },
        bootScriptUrl,
        blksizeCap: config.tftpBlksizeCap,
        events: bus,
        logger,
      });
      try {
        tftpPort = (await tftp.listen()).port;
        closers.push(() => tftp.close());
      } catch (err) {
        // Port 69 needs root or CAP_NET_BIND_SERVICE. HTTP boots (iPXE ROMs, UEFI HTTP Boot) work without TFTP, so a
        // plain `npm start` keeps serving and says what to do.
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EACCES' && code !== 'EADDRINUSE') throw err;
        logger.error({ port: config.tftpPort, code }, `TFTP is off: cannot listen on udp port ${config.tftpPort} (${code === 'EACCES' ? 'needs root or CAP_NET_BIND_SERVICE' : 'in use'}); set NETBOOT_TFTP_PORT to another port, or 0`);
      }
    }
    // --- end TFTP service ---

    // Created last, once everything is up: a start that fails can't swallow the only copy of the first token.
    const initialAdminToken = !config.adminToken && stores.tokens.count() === 0 ? stores.tokens.create('admin', 'admin')!.token : null;
    logger.info({ httpUrl, publicUrl: config.publicUrl ?? '(from each request\'s Host header)', tftpPort, s3Port, dataDir, version: VERSION }, 'b2c-netboot is serving');
    return {
      httpUrl, httpPort, tftpPort, s3Port, initialAdminToken, stores, bus, logger,
      close: async () => {
        for (const close of closers.reverse()) {
          try { await close(); } catch (err) { logger.error({ err }, 'error while stopping'); }
        }
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
    throw err;
  }
}

/** The address to put in URLs for machines when all we know is the listening address. */
function lanAddress(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host.includes(':') ? `[${host}]` : host;
  const lan = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  return lan?.address ?? '127.0.0.1';
}

/** The web UI is optional at run time: without a build, /ui/ answers 503 saying how to build it. */
function uiPlugin(): FastifyPluginAsync {
  const distDir = fileURLToPath(new URL('../../web/dist', import.meta.url));
  return async (app) => app.register(uiRoutes, { distDir });
}
