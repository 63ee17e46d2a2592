// A real b2c-netboot (real SQLite file, real sockets) on ephemeral ports with a temporary data dir.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { CONFIG_DEFAULTS, type Config } from '../../server/src/config.ts';
import { startNetboot, type RunningNetboot } from '../../server/src/main.ts';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface ApiResponse<T = any> { status: number; headers: Headers; body: T; text: string }

export interface TestServer {
  url: string;
  adminToken: string;
  dataDir: string;
  netboot: RunningNetboot;
  api<T = any>(method: string, urlPath: string, body?: unknown, token?: string | null, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? await mkdtemp(path.join(os.tmpdir(), 'netboot-test-'));
  const config: Config = {
    ...CONFIG_DEFAULTS,
    httpHost: '127.0.0.1', httpPort: 0, tftpHost: '127.0.0.1', tftpPort: 0, s3Host: '127.0.0.1', s3Port: 0,
    adminToken: TEST_ADMIN_TOKEN, logLevel: 'silent',
    bootRateLimit: 0, // tests fire far more requests from 127.0.0.1 than a machine would; rate-limit tests set it
    ...overrides,
    dataDir,
  };
  const logger = pino({ level: process.env.NETBOOT_TEST_LOG ?? config.logLevel });
  const netboot = await startNetboot(config, { logger });
  const url = netboot.httpUrl;

  async function api<T>(method: string, urlPath: string, body?: unknown, token: string | null = TEST_ADMIN_TOKEN, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload: string | Uint8Array<ArrayBuffer> | undefined;
    if (typeof body === 'string') payload = body;
    else if (body instanceof Uint8Array) payload = new Uint8Array(body); // a copy typed for fetch's BodyInit
    else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] ??= 'application/json'; }
    const res = await fetch(url + urlPath, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  return {
    url, adminToken: TEST_ADMIN_TOKEN, dataDir, netboot, api,
    close: async () => {
      await netboot.close();
      if (!overrides.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
