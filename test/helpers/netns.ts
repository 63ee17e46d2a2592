// Network namespaces for tests that need their own network: packet loss (nftables), a bridge with DHCP and PXE,
// privileged ports. Root only: a test that needs one fails loudly without root rather than skipping. Every
// namespace is deleted by `destroy()`, and at process exit whatever is left (processes started in it are killed
// first), so a failed test leaves nothing behind.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Netns {
  readonly name: string;
  /** Runs a command inside the namespace; rejects on a non-zero exit unless `allowFail`. */
  exec(cmd: string, args: string[], opts?: { timeoutMs?: number; allowFail?: boolean; input?: string }): Promise<RunResult>;
  /** Starts a long-running process inside the namespace (killed by `destroy()`); `env` adds to ours. */
  spawn(cmd: string, args: string[], opts?: { env?: Record<string, string> }): ChildProcess;
  /** Loads an nftables ruleset (nft -f syntax) into the namespace. */
  nft(ruleset: string): Promise<void>;
  destroy(): Promise<void>;
}

const live = new Map<string, Set<ChildProcess>>();
const cleanupAll = (): void => {
  for (const [name, children] of live) cleanupSync(name, children);
};
process.once('exit', cleanupAll);
// A test run that is interrupted or timed out gets a signal, and 'exit' handlers don't run on signals.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanupAll();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

function cleanupSync(name: string, children: Set<ChildProcess>): void {
  for (const child of children) {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  try {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  } catch {
    // already deleted
  }
  live.delete(name);
}

let counter = 0;

export async function createNetns(label: string): Promise<Netns> {
  if (process.getuid?.() !== 0) throw new Error('network namespace tests need root (CI runs as root)');
  const name = `b2c-${label}-${process.pid}-${counter++}`;
  await mustRun('ip', ['netns', 'add', name]);
  const children = new Set<ChildProcess>();
  live.set(name, children);
  await mustRun('ip', ['-n', name, 'link', 'set', 'lo', 'up']);

  const ns: Netns = {
    name,
    async exec(cmd, args, opts = {}) {
      const r = await ip(['netns', 'exec', name, cmd, ...args], opts);
      if (r.code !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} in ${name}: exit ${r.code}: ${r.stderr}`);
      return r;
    },
    spawn(cmd, args, opts = {}) {
      // detached: its own process group, so cleanup can kill it with everything it started
      const child = spawn('ip', ['netns', 'exec', name, cmd, ...args], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...opts.env },
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async nft(ruleset) {
      await ns.exec('nft', ['-f', '-'], { input: ruleset });
    },
    async destroy() {
      cleanupSync(name, children);
    },
  };
  return ns;
}

async function mustRun(cmd: 'ip', args: string[]): Promise<void> {
  const r = await ip(args, {});
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
}

/** `ip …` with optional stdin; SIGKILLed after the time-out (default 60 s). */
function ip(args: string[], opts: { timeoutMs?: number; input?: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // stdin only when there is input: a command that exits without reading it (curl polling /healthz) would
    // otherwise make our write fail with EPIPE after the test that ran it has ended.
    const withInput = opts.input !== undefined;
    const child = spawn('ip', args, { stdio: [withInput ? 'pipe' : 'ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 60_000, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (withInput) {
      child.stdin!.on('error', (err: NodeJS.ErrnoException) => { if (err.code !== 'EPIPE') reject(err); });
      child.stdin!.end(opts.input);
    }
  });
}
