// Boots a QEMU x86_64 guest under TCG (KVM does not work on the CI machines), streams its serial
// console to a file and to memory, and lets tests wait for markers. A guest never outlives its test:
// QEMU runs under coreutils `timeout` (so it dies even if node is SIGKILLed), has a hard deadline
// here, and is killed when the node process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface QemuOptions {
  /** Serial console copy, written as it arrives (kept after the test for post-mortems). */
  serialLog: string;
  /** Hard limit for the whole run; the guest is SIGKILLed after it. */
  timeoutMs: number;
  /** Network boot: slirp's DHCP hands this URL to the NIC's iPXE ROM (`-boot n`). */
  bootfile?: string;
  /** Direct kernel boot instead of the network (sanity checks of the payload itself). */
  kernel?: { path: string; initrd: string; append: string };
  mac?: string;
  uuid?: string;
  memoryMiB?: number;
}

export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface QemuVm {
  readonly pid: number | undefined;
  /** Everything the serial console printed so far, with the tty's carriage returns removed. */
  serial(): string;
  /** Resolves with the serial text once `pattern` appears; rejects if the guest exits or time runs out. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Settles when QEMU exits (a guest `poweroff -f` exits it with code 0). */
  readonly exited: Promise<QemuExit>;
  /** Kills QEMU (idempotent) and resolves once it is gone; never rejects. */
  kill(): Promise<QemuExit>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) killGroup(child);
});

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function qemuArgs(opts: QemuOptions): string[] {
  const mac = opts.mac ?? '52:54:00:12:34:56';
  const netdev = ['user', 'id=n0', ...(opts.bootfile ? [`bootfile=${opts.bootfile}`] : [])].join(',');
  const args = [
    // graphics=off: SeaBIOS and the iPXE ROM print to the serial port too, so a failed chain shows in the log.
    '-accel', 'tcg', '-machine', 'graphics=off', '-m', String(opts.memoryMiB ?? 512), '-no-reboot',
    '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
    '-netdev', netdev, '-device', `virtio-net-pci,netdev=n0,mac=${mac}`,
  ];
  if (opts.uuid) args.push('-uuid', opts.uuid);
  if (opts.kernel) {
    args.push('-kernel', opts.kernel.path, '-initrd', opts.kernel.initrd, '-append', opts.kernel.append);
  } else if (opts.bootfile) {
    args.push('-boot', 'n');
  } else {
    throw new Error('qemu: give either bootfile (network boot) or kernel (direct boot)');
  }
  return args;
}

export function startQemu(opts: QemuOptions): QemuVm {
  // `timeout` is the outer guard; the in-process timer below is the one that normally fires first.
  const outerSeconds = Math.ceil(opts.timeoutMs / 1000) + 5;
  const child = spawn('timeout', ['--kill-after=5', String(outerSeconds), 'qemu-system-x86_64', ...qemuArgs(opts)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so a kill reaches QEMU and not only `timeout`.
    detached: true,
  });
  live.add(child);
  const deadline = setTimeout(() => killGroup(child), opts.timeoutMs);
  const log = createWriteStream(opts.serialLog);
  const utf8 = new StringDecoder('utf8'); // a character may straddle two chunks
  let text = '';
  let stderr = '';
  let spawnError = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    text += utf8.write(chunk).replace(/\r/g, '');
    for (const check of listeners) check();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });

  let finished = false;
  const exited = new Promise<QemuExit>((resolve, reject) => {
    const settle = () => {
      finished = true;
      live.delete(child);
      clearTimeout(deadline);
      log.end();
    };
    child.once('error', (err) => {
      settle();
      spawnError = `cannot start timeout/qemu-system-x86_64: ${err.message}`;
      reject(new Error(spawnError));
      for (const check of listeners) check();
    });
    child.once('close', (code, signal) => {
      settle();
      resolve({ code, signal });
      for (const check of listeners) check();
    });
  });
  // Marked handled here: waitFor() reports the failure with the serial context.
  exited.catch(() => undefined);

  const describe = () =>
    `${spawnError ? `${spawnError}; ` : ''}serial log ${opts.serialLog}; last output:\n${text.slice(-1500)}${stderr ? `\nqemu stderr:\n${stderr.slice(-800)}` : ''}`;

  return {
    pid: child.pid,
    serial: () => text,
    exited,
    waitFor(pattern, timeoutMs = opts.timeoutMs) {
      const found = () => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
      return new Promise<string>((resolve, reject) => {
        const done = (err?: Error) => {
          listeners.delete(check);
          clearTimeout(timer);
          if (err) reject(err);
          else resolve(text);
        };
        const check = () => {
          if (found()) done();
          else if (finished) done(new Error(`qemu exited before printing ${String(pattern)}; ${describe()}`));
        };
        const timer = setTimeout(
          () => done(new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; ${describe()}`)),
          timeoutMs,
        );
        listeners.add(check);
        check();
      });
    },
    async kill() {
      if (!finished) killGroup(child);
      // Never throws: it runs in `finally` blocks, where it must not hide the test's own failure.
      return exited.catch(() => ({ code: null, signal: null }));
    },
  };
}
