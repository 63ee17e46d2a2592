// bench/boot-storm: 10,000 registered machines, 256 connections asking for /ipxe?mac=<known MAC>.
// 1. The storm: every machine asks exactly once, all at the same time (target: all scripts in < 2 s, 0 errors).
// 2. Sustained: random known MACs for a fixed time (rate, p99).
// Every request renders a script and opens a boot session (a database write), as a real boot does.
import { readFile } from 'node:fs/promises';
import { describeMachine } from '../lib/machine.ts';
import { writeResult } from '../lib/output.ts';
import { sampleRss } from '../lib/rss.ts';
import { startBenchServer } from '../lib/server.ts';
import { runWrk, type WrkResult } from '../lib/wrk.ts';
import { REGISTER_CONCURRENCY, macOf, registerFleet } from './fleet.ts';

const MACHINES = Number(process.env.BENCH_MACHINES ?? 10_000);
const CONNECTIONS = 256;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const TARGET_S = 2;

const row = (phase: string, r: WrkResult) =>
  `| ${phase} | ${r.requests} | ${r.durationS.toFixed(2)} | ${r.requestsPerS.toFixed(0)} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ` +
  `${r.errors.total} (status ${r.errors.status}, bad ${r.errors.bad}, socket ${r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout}) |`;

const lua = await readFile(new URL('./ipxe-requests.lua', import.meta.url), 'utf8');
const server = await startBenchServer();
try {
  const registerS = await registerFleet(server, MACHINES);
  const probe = await fetch(`${server.url}/ipxe?mac=${encodeURIComponent(macOf(MACHINES - 1))}&arch=i386&platform=pcbios`);
  const script = await probe.text();
  if (probe.status !== 200 || !script.includes('\nkernel ')) throw new Error(`not a boot script (${probe.status}):\n${script}`);

  const rss = sampleRss(server.pid);
  const storm = await runWrk({
    url: server.url, connections: CONNECTIONS, durationS: 60, timeoutS: 10,
    lua: `MACHINES = ${MACHINES}\nONCE = true\n${lua}`,
  });
  const sustained = await runWrk({
    url: server.url, connections: CONNECTIONS, durationS: DURATION_S, timeoutS: 10,
    lua: `MACHINES = ${MACHINES}\nONCE = false\n${lua}`,
  });
  const memory = rss.stop();
  const met = storm.requests >= MACHINES && storm.durationS < TARGET_S && storm.errors.total === 0;
  const markdown = [
    `## boot-storm: ${MACHINES} machines, ${CONNECTIONS} connections, wrk -t1`,
    describeMachine(),
    '',
    `Registering ${MACHINES} machines through the API (${REGISTER_CONCURRENCY} at a time): ${registerS.toFixed(1)} s.`,
    '',
    '| phase | responses | seconds | responses/s | p50 ms | p99 ms | max ms | errors |',
    '|---|---|---|---|---|---|---|---|',
    row(`storm (each machine once)`, storm),
    row(`sustained (random MACs, ${DURATION_S} s)`, sustained),
    '',
    `Target: all ${MACHINES} scripts in < ${TARGET_S} s with 0 errors: **${met ? 'met' : 'missed'}** (${storm.durationS.toFixed(2)} s).`,
    `Server RSS: ${memory.startMiB} MiB at start, ${memory.maxMiB} MiB max, ${memory.endMiB} MiB at end.`,
    '',
  ].join('\n');
  await writeResult('boot-storm', { machines: MACHINES, connections: CONNECTIONS, registerS, storm, sustained, memory, met }, markdown);
} finally {
  await server.stop();
}
