// Runs the netboot server in a child process for a benchmark, with a throwaway data dir, and talks to its API.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../server/src/config.ts';
import { spawnUntilReady } from './child.ts';

export interface BenchServer {
  url: string;
  pid: number;
  /** Admin API call; throws on a non-2xx answer. */
  api(method: string, path: string, body?: unknown): Promise<unknown>;
  upload(name: string, kind: string, body: Uint8Array): Promise<void>;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./serve-child.ts', import.meta.url));

/** `nodeArgs`: extra flags for the server's node, e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile a run. */
export async function startBenchServer(overrides: Partial<Config> = {}, nodeArgs: string[] = []): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'b2c-bench-data-'));
  const adminToken = randomBytes(24).toString('hex');
  const config: Partial<Config> = {
    dataDir, httpHost: '127.0.0.1', httpPort: 0, tftpPort: 0, s3Port: 0, adminToken, logLevel: 'warn',
    // The boot routes' limit is per client IP; here one IP (wrk's) stands for thousands of machines.
    bootRateLimit: 0,
    ...overrides,
  };
  const server = await spawnUntilReady([...nodeArgs, '--import', 'tsx', CHILD], 'BENCH-SERVER-READY',
    { ...process.env, BENCH_SERVER_CONFIG: JSON.stringify(config) });
  const ready = JSON.parse(server.payload) as { httpPort: number };
  const url = `http://127.0.0.1:${ready.httpPort}`;
  const auth = { authorization: `Bearer ${adminToken}` };

  async function call(method: string, path: string, init: RequestInit): Promise<Response> {
    const res = await fetch(url + path, { method, ...init, headers: { ...auth, ...(init.headers ?? {}) } });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res;
  }

  return {
    url,
    pid: server.child.pid!,
    async api(method, path, body) {
      const res = await call(method, path, body === undefined ? {} : {
        body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
      });
      const text = await res.text();
      return text ? JSON.parse(text) : undefined;
    },
    async upload(name, kind, body) {
      await call('PUT', `/api/v1/artifacts/${encodeURIComponent(name)}?kind=${kind}`, {
        body: new Uint8Array(body), headers: { 'content-type': 'application/octet-stream' },
      });
    },
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
