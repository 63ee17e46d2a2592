// bench/http-artifacts: one 20 MiB artifact over 32 keep-alive connections, from our server and from nginx
// (one worker, sendfile) serving the same bytes in the same run, so only the ratio matters; a plain node:http
// file server shows what Node itself can do without sendfile. The server's RSS is sampled during its run:
// streaming must keep memory flat however many downloads are in flight.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from '../lib/machine.ts';
import { spawnUntilReady } from '../lib/child.ts';
import { startNginx } from '../lib/nginx.ts';
import { writeResult } from '../lib/output.ts';
import { sampleRss } from '../lib/rss.ts';
import { startBenchServer } from '../lib/server.ts';
import { runWrk, type WrkResult } from '../lib/wrk.ts';

const SIZE = 20 * 1024 * 1024;
const CONNECTIONS = 32;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = 2;
const NAME = 'bench-20m.bin';

async function measure(url: string): Promise<WrkResult> {
  await runWrk({ url, connections: CONNECTIONS, durationS: WARMUP_S });
  return runWrk({ url, connections: CONNECTIONS, durationS: DURATION_S });
}

async function sha256Of(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}`);
  return createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex');
}

const row = (peer: string, r: WrkResult) =>
  `| ${peer} | ${r.requestsPerS.toFixed(1)} | ${(r.bytesPerS / 1e9).toFixed(2)} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.errors.total} |`;

const root = await mkdtemp(join(tmpdir(), 'b2c-bench-www-'));
const body = randomBytes(SIZE);
const digest = createHash('sha256').update(body).digest('hex');
await writeFile(join(root, NAME), body);
const server = await startBenchServer();
const nginx = await startNginx(fileURLToPath(new URL('./nginx.conf.template', import.meta.url)), root);
const plainNode = await spawnUntilReady(
  ['--import', 'tsx', fileURLToPath(new URL('./node-peer.ts', import.meta.url)), join(root, NAME)], 'NODE-PEER-READY');
try {
  await server.upload(NAME, 'other', body);
  const ours = `${server.url}/artifacts/${NAME}`;
  const theirs = `${nginx.url}/${NAME}`;
  const plain = `http://127.0.0.1:${plainNode.payload}/${NAME}`;
  for (const url of [ours, theirs, plain]) {
    if ((await sha256Of(url)) !== digest) throw new Error(`${url} does not serve the uploaded bytes`);
  }
  const nginxResult = await measure(theirs);
  const plainResult = await measure(plain);
  const rss = sampleRss(server.pid);
  const oursResult = await measure(ours);
  const memory = rss.stop();
  const ratio = oursResult.bytesPerS / nginxResult.bytesPerS;
  const markdown = [
    `## http-artifacts: ${SIZE / 1024 ** 2} MiB artifact, ${CONNECTIONS} connections, wrk -t1, ${DURATION_S} s (after ${WARMUP_S} s warm-up)`,
    describeMachine(),
    '',
    '| peer | responses/s | GB/s | p50 ms | p99 ms | errors |',
    '|---|---|---|---|---|---|',
    row('b2c-netboot', oursResult),
    row('nginx (1 worker, sendfile)', nginxResult),
    row('plain node:http + createReadStream', plainResult),
    '',
    `Ratio b2c-netboot / nginx: **${ratio.toFixed(2)}×** (target ≥ 0.9×); plain Node / nginx: ${(plainResult.bytesPerS / nginxResult.bytesPerS).toFixed(2)}×.`,
    `Server RSS during its run: ${memory.startMiB} MiB at start, ${memory.maxMiB} MiB max, ${memory.endMiB} MiB at end (${memory.samples} samples).`,
    '',
  ].join('\n');
  await writeResult('http-artifacts', { size: SIZE, connections: CONNECTIONS, ours: oursResult, nginx: nginxResult, plainNode: plainResult, ratio, memory }, markdown);
} finally {
  await Promise.all([nginx.stop(), plainNode.stop(), server.stop()]);
  await rm(root, { recursive: true, force: true });
}
