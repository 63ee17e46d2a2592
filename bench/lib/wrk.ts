// Runs wrk with a Lua script (plus report.lua's JSON summary) and returns its figures.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkOptions {
  url: string;
  connections: number;
  /** wrk threads; 1 leaves the second core of a 2-core machine to the server. */
  threads?: number;
  durationS: number;
  /** Bench-specific Lua (request/response hooks); report.lua is appended. */
  lua?: string;
  timeoutS?: number;
}

export interface WrkResult {
  durationS: number;
  requests: number;
  bytes: number;
  requestsPerS: number;
  bytesPerS: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number; bad: number; total: number };
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

interface WrkJson {
  durationUs: number;
  requests: number;
  bytes: number;
  errors: Omit<WrkResult['errors'], 'total'>;
  latencyUs: WrkResult['latencyMs'];
}

export function parseWrkOutput(stdout: string): WrkResult {
  const line = stdout.split('\n').find((l) => l.startsWith('WRK-JSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  const j = JSON.parse(line.slice('WRK-JSON '.length)) as WrkJson;
  const durationS = j.durationUs / 1e6;
  const ms = (us: number) => Math.round(us / 10) / 100;
  const e = j.errors;
  return {
    durationS,
    requests: j.requests,
    bytes: j.bytes,
    requestsPerS: j.requests / durationS,
    bytesPerS: j.bytes / durationS,
    errors: { ...e, total: e.connect + e.read + e.write + e.status + e.timeout + e.bad },
    latencyMs: {
      p50: ms(j.latencyUs.p50), p90: ms(j.latencyUs.p90), p99: ms(j.latencyUs.p99),
      max: ms(j.latencyUs.max), mean: ms(j.latencyUs.mean),
    },
  };
}

export async function runWrk(opts: WrkOptions): Promise<WrkResult> {
  const dir = await mkdtemp(join(tmpdir(), 'b2c-wrk-'));
  try {
    const script = join(dir, 'bench.lua');
    const report = await readFile(new URL('./report.lua', import.meta.url), 'utf8');
    await writeFile(script, `${opts.lua ?? ''}\n${report}`);
    const args = [
      `-t${opts.threads ?? 1}`, `-c${opts.connections}`, `-d${opts.durationS}s`,
      `--timeout`, `${opts.timeoutS ?? 5}s`, '-s', script, opts.url,
    ];
    const { stdout } = await run('wrk', args, { maxBuffer: 4 * 1024 * 1024, timeout: (opts.durationS + 30) * 1000 });
    return parseWrkOutput(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
