// rclone copy of 1 GiB of mixed object sizes, through the gateway and directly to the same backend in the same
// run (alternating, best of ROUNDS each), plus the gateway's peak RSS. Writes bench/out/s3-gateway.{json,md}.
// Usage: node --import tsx bench/s3-gateway/run.ts [rounds]
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFileSync, rm, writeFile } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnUntilReady } from '../lib/child.ts';
import { describeMachine } from '../lib/machine.ts';
import { writeResult } from '../lib/output.ts';
import { sampleRss } from '../lib/rss.ts';

const pexec = promisify(execFile);
const p = <T>(fn: (cb: (err: Error | null, v?: T) => void) => void) => new Promise<T>((res, rej) => fn((e, v) => (e ? rej(e) : res(v as T))));
const MiB = 1024 * 1024;
const ROUNDS = Number(process.argv[2] ?? 2);
const BUCKET = 'bench';
/** 1 GiB: a few large objects (multipart above rclone's 200 MiB cutoff), medium ones, and many small ones. */
const MIX = [{ count: 2, size: 256 * MiB }, { count: 6, size: 64 * MiB }, { count: 64, size: MiB }, { count: 256, size: 256 * 1024 }];

const work = await p<string>((cb) => mkdtemp(join(tmpdir(), 'bench-s3-'), cb));
const data = join(work, 'data');
await p((cb) => mkdir(data, { recursive: true }, cb));
let n = 0;
for (const { count, size } of MIX) for (let i = 0; i < count; i++) await p((cb) => writeFile(join(data, `f${String(n++).padStart(4, '0')}-${size}.bin`), randomBytes(size), cb));
const totalBytes = MIX.reduce((s, m) => s + m.count * m.size, 0);

const backend = await spawnUntilReady(['--import', 'tsx', new URL('backend-child.ts', import.meta.url).pathname, join(work, 's3')], 'S3_READY');
const b = JSON.parse(backend.payload) as { url: string; accessKey: string; secretKey: string };
const gateway = await spawnUntilReady(['--import', 'tsx', new URL('gateway-child.ts', import.meta.url).pathname, b.url, b.accessKey, b.secretKey, BUCKET], 'GATEWAY_READY');
const g = JSON.parse(gateway.payload) as { port: number; accessKey: string; secretKey: string; prefix: string };
const gatewayPid = gateway.child.pid!;

const remote = (name: string, endpoint: string, ak: string, sk: string) => ({
  [`RCLONE_CONFIG_${name}_TYPE`]: 's3', [`RCLONE_CONFIG_${name}_PROVIDER`]: 'Other', [`RCLONE_CONFIG_${name}_ENDPOINT`]: endpoint,
  [`RCLONE_CONFIG_${name}_ACCESS_KEY_ID`]: ak, [`RCLONE_CONFIG_${name}_SECRET_ACCESS_KEY`]: sk,
  [`RCLONE_CONFIG_${name}_REGION`]: 'us-east-1', [`RCLONE_CONFIG_${name}_FORCE_PATH_STYLE`]: 'true',
});
const env: NodeJS.ProcessEnv = { ...process.env, RCLONE_CONFIG: '/dev/null', ...remote('DIRECT', b.url, b.accessKey, b.secretKey), ...remote('GW', `http://127.0.0.1:${g.port}`, g.accessKey, g.secretKey) };
delete env.AWS_CA_BUNDLE; // Debian's rclone refuses to start with it set

async function copy(target: string): Promise<number> {
  const t0 = performance.now();
  await pexec('rclone', ['copy', '--s3-no-check-bucket', data, target], { env, maxBuffer: 16 * MiB });
  const s = (performance.now() - t0) / 1000;
  await pexec('rclone', ['purge', target], { env });
  return s;
}

const times = { direct: [] as number[], gateway: [] as number[] };
const rss = sampleRss(gatewayPid);
let rssSummary: ReturnType<ReturnType<typeof sampleRss>['stop']>;
let peakMiB: number;
try {
  for (let r = 0; r < ROUNDS; r++) {
    times.direct.push(await copy(`DIRECT:${BUCKET}/direct/r${r}`));
    times.gateway.push(await copy(`GW:${BUCKET}/${g.prefix}bench/r${r}`));
  }
} finally {
  rssSummary = rss.stop();
  // VmHWM is the kernel's own high-water mark: it catches peaks between samples.
  const peakKiB = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${gatewayPid}/status`, 'utf8'))?.[1] ?? 0);
  peakMiB = Math.round(peakKiB / 102.4) / 10;
  await gateway.stop();
  await backend.stop();
  await p((cb) => rm(work, { recursive: true, force: true }, cb));
}

const best = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = (s: number) => totalBytes / MiB / s;
const ratio = best(times.direct) / best(times.gateway);
const medianRatio = median(times.direct) / median(times.gateway);
const json = { totalBytes, files: n, rounds: ROUNDS, seconds: times, bestMiBps: { direct: mbps(best(times.direct)), gateway: mbps(best(times.gateway)) }, ratio, medianRatio, gatewayRssMiB: { ...rssSummary, peakHwm: peakMiB } };
const md = `## S3 gateway: rclone copy of 1 GiB, mixed sizes (bench/s3-gateway)

${describeMachine()}

Data: ${MIX.map((m) => `${m.count} × ${m.size >= MiB ? `${m.size / MiB} MiB` : `${m.size / 1024} KiB`}`).join(', ')} = ${(totalBytes / MiB).toFixed(0)} MiB in ${n} files.
\`rclone copy\` (default 4 transfers; the 256 MiB files go multipart) to the embedded s3rver backend, directly and through
the gateway (SigV4 check, payload sha256 verification, re-signing), alternating, ${ROUNDS} rounds each.
Backend and gateway run in separate processes; rclone shares the same ${cpus().length} cores.

| path | rounds (s) | best MiB/s | median MiB/s |
|---|---|---|---|
| direct to s3rver | ${times.direct.map((s) => s.toFixed(1)).join(', ')} | ${mbps(best(times.direct)).toFixed(0)} | ${mbps(median(times.direct)).toFixed(0)} |
| through the gateway | ${times.gateway.map((s) => s.toFixed(1)).join(', ')} | ${mbps(best(times.gateway)).toFixed(0)} | ${mbps(median(times.gateway)).toFixed(0)} |

**Ratio gateway / direct: ${ratio.toFixed(2)}× best-of-rounds, ${medianRatio.toFixed(2)}× median** (target ≥ 0.8×).
Gateway process RSS during the run: start ${rssSummary.startMiB} MiB, max sampled ${rssSummary.maxMiB} MiB, peak (VmHWM) ${peakMiB} MiB, end ${rssSummary.endMiB} MiB.
`;
await writeResult('s3-gateway', json, md);
