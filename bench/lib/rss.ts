// Samples a process's resident set size from /proc while a benchmark runs ("memory stays flat").
import { readFileSync } from 'node:fs';

export interface RssSummary {
  samples: number;
  startMiB: number;
  endMiB: number;
  maxMiB: number;
}

export function readRssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

export function sampleRss(pid: number, intervalMs = 250): { stop(): RssSummary } {
  const values: number[] = [readRssKiB(pid)];
  const timer = setInterval(() => values.push(readRssKiB(pid)), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      values.push(readRssKiB(pid));
      const mib = (kib: number) => Math.round(kib / 102.4) / 10;
      return { samples: values.length, startMiB: mib(values[0]), endMiB: mib(values.at(-1)!), maxMiB: mib(Math.max(...values)) };
    },
  };
}
