// Describes the machine a benchmark ran on, for bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';

function tool(cmd: string, args: string[]): string {
  try {
    // nginx -v and wrk -v print to stderr and wrk exits 1: capture both streams, ignore the status.
    return execFileSync('sh', ['-c', `${cmd} ${args.join(' ')} 2>&1 || true`], { encoding: 'utf8' }).split('\n')[0].trim();
  } catch {
    return 'unavailable';
  }
}

export function describeMachine(): string {
  const cpu = cpus();
  return [
    `- date: ${new Date().toISOString()}`,
    `- CPU: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length} (client and server share them)`,
    `- memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB; kernel ${release()}; Node ${process.version}`,
    `- ${tool('nginx', ['-v'])}; ${tool('wrk', ['-v'])}`,
    // Other work on the machine skews absolute figures; the load average says how much there was.
    `- load average when the results were written: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  ].join('\n');
}
