// Starts a node child that prints `<MARKER> <JSON or word>` on stdout once it is ready; returns that payload.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ReadyChild {
  child: ChildProcess;
  payload: string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

export async function spawnUntilReady(args: string[], marker: string, env: NodeJS.ProcessEnv = process.env): Promise<ReadyChild> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const payload = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = new RegExp(`${marker} (.*)\\n`).exec(out);
      if (m) resolve(m[1]);
    });
    void exited.then(() => reject(new Error(`${args.join(' ')} exited before it was ready:\n${out}`)));
  });
  return {
    child,
    payload,
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
