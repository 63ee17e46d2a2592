// A real gateway in front of a real (embedded s3rver) backend, with map-backed boot sessions: what the S3
// integration tests and the benchmark run against. Everything listens on 127.0.0.1 with ephemeral ports.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { accessKeyForSession, deriveSecretKey, macHex } from '../../server/src/domain/credentials.ts';
import { EventBus, type NetbootEvent } from '../../server/src/events.ts';
import { ensureBucket, minioClient, startEmbeddedBackend } from '../../server/src/s3/backend.ts';
import type { BackendConfig } from '../../server/src/s3/backend-client.ts';
import type { DenialLimiterOptions } from '../../server/src/s3/denial-limiter.ts';
import { createS3Gateway } from '../../server/src/s3/gateway.ts';
import { type SessionRecord, createPrincipalLookup } from '../../server/src/s3/principals.ts';

export const BUCKET = 'netboot';
export const REGION = 'us-east-1';

export interface TestSession {
  sessionId: string;
  mac: string;
  macHex: string;
  accessKey: string;
  secretKey: string;
  prefix: string;
}

export interface S3Fixture {
  dir: string;
  gatewayUrl: string;
  gatewayPort: number;
  backend: BackendConfig;
  sessions: Map<string, SessionRecord>;
  events: NetbootEvent[];
  newSession(mac: string, opts?: { clientIp?: string | null; createdAt?: Date }): TestSession;
  endSession(s: TestSession): void;
  /** Every key in the backend bucket, sorted. */
  backendKeys(): Promise<string[]>;
  /** Total bytes and keys in the backend under a prefix. */
  backendGet(key: string): Promise<Buffer>;
  close(): Promise<void>;
}

export async function startS3Fixture(opts: {
  bindToClientIp?: boolean; sessionTtlMs?: number; now?: () => number; denialLimits?: DenialLimiterOptions;
} = {}): Promise<S3Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'netboot-s3-'));
  const logger = pino({ level: process.env.S3_TEST_LOG ?? 'silent' });
  const embedded = await startEmbeddedBackend(join(dir, 's3'), logger);
  const backend: BackendConfig = { endPoint: embedded.url, accessKey: embedded.accessKey, secretKey: embedded.secretKey, bucket: BUCKET, region: REGION };
  await ensureBucket(backend, logger);
  const masterKey = randomBytes(32);
  const sessions = new Map<string, SessionRecord>();
  const bus = new EventBus();
  const events: NetbootEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const gateway = createS3Gateway({
    host: '127.0.0.1', port: 0, backend, events: bus, logger, trafficFlushMs: 200, now: opts.now, denialLimits: opts.denialLimits,
    principals: createPrincipalLookup({
      getSession: (id) => sessions.get(id) ?? null, masterKey, now: opts.now,
      sessionTtlMs: opts.sessionTtlMs ?? 3600_000, bindToClientIp: opts.bindToClientIp ?? false,
    }),
  });
  const { port } = await gateway.listen();
  const client = minioClient(backend);

  return {
    dir, gatewayPort: port, gatewayUrl: `http://127.0.0.1:${port}`, backend, sessions, events,
    newSession(mac, o = {}) {
      const sessionId = randomBytes(9).toString('hex');
      sessions.set(sessionId, { id: sessionId, mac, clientIp: o.clientIp ?? '127.0.0.1', createdAt: o.createdAt ?? new Date(), endedAt: null });
      const accessKey = accessKeyForSession(sessionId);
      return { sessionId, mac, macHex: macHex(mac), accessKey, secretKey: deriveSecretKey(masterKey, accessKey), prefix: `machines/${macHex(mac)}/` };
    },
    endSession(s) {
      const rec = sessions.get(s.sessionId)!;
      sessions.set(s.sessionId, { ...rec, endedAt: new Date() });
    },
    async backendKeys() {
      const keys: string[] = [];
      for await (const o of client.listObjectsV2(BUCKET, '', true)) if (o.name) keys.push(o.name);
      return keys.sort();
    },
    async backendGet(key) {
      const parts: Buffer[] = [];
      for await (const c of await client.getObject(BUCKET, key)) parts.push(c as Buffer);
      return Buffer.concat(parts);
    },
    async close() {
      await gateway.close();
      await embedded.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
