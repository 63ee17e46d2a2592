// TFTP throughput: a 50 MiB file over loopback with the same client (atftp, blksize 1468) from our service and
// from tftpd-hpa in the same run → ratio (target ≥ 1.0×); then ours with windowsize 4 (RFC 7440, which hpa
// lacks) against hpa. Runs alternate between servers so drifting machine load hits both alike; medians reported.
// Writes bench/out/tftp.md.   usage: node --import tsx bench/tftp/run.ts [RUNS]
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { EventBus } from '../../server/src/events.ts';
import { createTftpService } from '../../server/src/tftp/service.ts';
import { patternedData, run, sha256File } from '../../test/helpers/tftp.ts';
import { describeMachine } from '../lib/machine.ts';

const RUNS = Number(process.argv[2] ?? 5);
const SIZE = 50 * 1024 * 1024;
const HOST = '127.0.0.1';

/** A free UDP port for tftpd-hpa, which can't be told to pick one. */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, HOST, resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(resolve));
  return port;
}

async function timeAtftp(port: number, options: string[], dest: string, wantSha: string): Promise<number> {
  const args = ['-g', '-r', 'file.bin', '-l', dest, ...options.flatMap((o) => ['--option', o]), HOST, String(port)];
  const started = process.hrtime.bigint();
  const r = await run('atftp', args, { timeoutMs: 120_000 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.code !== 0) throw new Error(`atftp ${args.join(' ')}: ${r.stderr}`);
  if ((await sha256File(dest)) !== wantSha) throw new Error(`atftp ${args.join(' ')}: wrong content`);
  return seconds;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = await mkdtemp(join(tmpdir(), 'b2c-bench-tftp-'));
await chmod(dir, 0o755); // tftpd-hpa drops to the `tftp` user: mkdtemp's 0700 would deny it
const hpa = { port: await freeUdpPort() };
const hpaProc = spawn('in.tftpd', ['-L', '-a', `${HOST}:${hpa.port}`, '-s', dir], { stdio: 'ignore' });
const service = createTftpService({
  host: HOST,
  port: 0,
  ipxeDir: dir,
  artifacts: { find: async () => null },
  bootScriptUrl: () => 'http://127.0.0.1:8080/boot.ipxe',
  events: new EventBus(),
  logger: pino({ level: 'warn' }),
});
try {
  const data = patternedData(SIZE, 1);
  await writeFile(join(dir, 'file.bin'), data);
  const sha = await sha256File(join(dir, 'file.bin'));
  const ours = await service.listen();
  const out = join(dir, 'out.bin');
  const lockstep = ['blksize 1468'];
  const windowed = ['blksize 1468', 'windowsize 4'];
  const t = { ours: [] as number[], hpa: [] as number[], oursW4: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    t.hpa.push(await timeAtftp(hpa.port, lockstep, out, sha));
    t.ours.push(await timeAtftp(ours.port, lockstep, out, sha));
    t.oursW4.push(await timeAtftp(ours.port, windowed, out, sha));
  }
  const mibps = (s: number): string => (SIZE / 1024 / 1024 / s).toFixed(1);
  const row = (name: string, xs: number[]): string =>
    `| ${name} | ${median(xs).toFixed(2)} s | ${mibps(median(xs))} MiB/s | ${xs.map((x) => x.toFixed(2)).join(' ')} |`;
  const report = [
    '## TFTP: 50 MiB over loopback, atftp, blksize 1468',
    '',
    describeMachine(),
    '',
    '| server | median | throughput | all runs |',
    '|---|---|---|---|',
    row('tftpd-hpa (lockstep)', t.hpa),
    row('b2c-netboot (lockstep)', t.ours),
    row('b2c-netboot, windowsize 4', t.oursW4),
    '',
    `Ratio, same client and options (hpa time / ours): **${(median(t.hpa) / median(t.ours)).toFixed(2)}×**.`,
    `Ours with windowsize 4 vs hpa (which has no windowsize): **${(median(t.hpa) / median(t.oursW4)).toFixed(2)}×**.`,
    '',
  ].join('\n');
  await mkdir('bench/out', { recursive: true });
  await writeFile('bench/out/tftp.md', report);
  process.stdout.write(report);
} finally {
  await service.close();
  hpaProc.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
