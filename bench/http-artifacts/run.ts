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
import { sampleRss, type RssSummary } from '../lib/rss.ts';
import { startBenchServer } from '../lib/server.ts';
import { runWrk, type WrkResult } from '../lib/wrk.ts';

const SIZE = 20 * 1024 * 1024;
const CONNECTIONS = 32;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const WARMUP_S = 2;
// Peers take turns, round after round, and each reports its median round: a busy neighbour on a shared
// machine then slows every peer alike instead of whichever happened to run at that moment.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NAME = 'bench-20m.bin';

async function measureInTurns(urls: string[], onEach?: (i: number) => () => void): Promise<WrkResult[]> {
  for (const url of urls) await runWrk({ url, connections: CONNECTIONS, durationS: WARMUP_S });
  const rounds: WrkResult[][] = urls.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, url] of urls.entries()) {
      const done = onEach?.(i);
      rounds[i].push(await runWrk({ url, connections: CONNECTIONS, durationS: DURATION_S }));
      done?.();
    }
  }
  return rounds.map((results) => results.sort((a, b) => a.bytesPerS - b.bytesPerS)[Math.floor(results.length / 2)]);
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
// The same server with its in-memory artifact cache off: every response streams from disk.
const uncached = await startBenchServer({ artifactCacheBytes: 0 });
const nginx = await startNginx(fileURLToPath(new URL('./nginx.conf.template', import.meta.url)), root);
const plainNode = await spawnUntilReady(
  ['--import', 'tsx', fileURLToPath(new URL('./node-peer.ts', import.meta.url)), join(root, NAME)], 'NODE-PEER-READY');
try {
  await server.upload(NAME, 'other', body);
  await uncached.upload(NAME, 'other', body);
  const ours = `${server.url}/artifacts/${NAME}`;
  const oursFromDisk = `${uncached.url}/artifacts/${NAME}`;
  const theirs = `${nginx.url}/${NAME}`;
  const plain = `http://127.0.0.1:${plainNode.payload}/${NAME}`;
  for (const url of [ours, oursFromDisk, theirs, plain]) {
    if ((await sha256Of(url)) !== digest) throw new Error(`${url} does not serve the uploaded bytes`);
  }
  // RSS is sampled while our server is under load (peer 0) and not in between.
  const memory: RssSummary[] = [];
  const [oursResult, nginxResult, plainResult, diskResult] = await measureInTurns([ours, theirs, plain, oursFromDisk], (i) => {
    if (i !== 0) return () => undefined;
    const sampler = sampleRss(server.pid);
    return () => memory.push(sampler.stop());
  });
  const rssMiB = {
    start: memory[0].startMiB,
    max: Math.max(...memory.map((m) => m.maxMiB)),
    perRoundEnd: memory.map((m) => m.endMiB),
  };
  const ratio = oursResult.bytesPerS / nginxResult.bytesPerS;
  const markdown = [
    `## http-artifacts: ${SIZE / 1024 ** 2} MiB artifact, ${CONNECTIONS} connections, wrk -t1, median of ${ROUNDS} rounds of ${DURATION_S} s`,
    describeMachine(),
    '',
    '| peer | responses/s | GB/s | p50 ms | p99 ms | errors |',
    '|---|---|---|---|---|---|',
    row('b2c-netboot', oursResult),
    row('nginx (1 worker, sendfile)', nginxResult),
    row('plain node:http + createReadStream', plainResult),
    row('b2c-netboot, artifact cache off (streams from disk)', diskResult),
    '',
    `Ratio b2c-netboot / nginx: **${ratio.toFixed(2)}×** (target ≥ 0.9×); plain Node / nginx: ${(plainResult.bytesPerS / nginxResult.bytesPerS).toFixed(2)}×; ` +
      `cache off / nginx: ${(diskResult.bytesPerS / nginxResult.bytesPerS).toFixed(2)}×.`,
    `Server RSS under load: ${rssMiB.start} MiB at the start, ${rssMiB.max} MiB max, ${rssMiB.perRoundEnd.join(' / ')} MiB at the end of each round.`,
    '',
  ].join('\n');
  await writeResult('http-artifacts', { size: SIZE, connections: CONNECTIONS, ours: oursResult, oursCacheOff: diskResult, nginx: nginxResult, plainNode: plainResult, ratio, rssMiB }, markdown);
} finally {
  await Promise.all([nginx.stop(), plainNode.stop(), server.stop(), uncached.stop()]);
  await rm(root, { recursive: true, force: true });
}
