// Starts nginx in the foreground from a config template (@DIR@, @PORT@, @ROOT@), on loopback only.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Nginx {
  url: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      await fetch(url, { method: 'HEAD' });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`nginx did not come up at ${url}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function startNginx(template: string, root: string): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'b2c-nginx-'));
  // Workers run as nobody when started by root: they must be able to traverse into the root.
  await chmod(dir, 0o755);
  await chmod(root, 0o755);
  const port = await freePort();
  const conf = (await readFile(template, 'utf8'))
    .replaceAll('@DIR@', dir).replaceAll('@PORT@', String(port)).replaceAll('@ROOT@', root);
  await writeFile(join(dir, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitUntilUp(url, Date.now() + 10_000),
      exited.then(() => { throw new Error(`nginx exited: ${stderr}`); }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    async stop() {
      child.kill('SIGQUIT'); // graceful: finish in-flight responses
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
