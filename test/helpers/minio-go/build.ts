// Builds the minio-go test client (main.go) with Debian's Go toolchain and minio-go sources, offline.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));

/** Returns the path of the built binary in `outDir`. Fails loudly when Go or minio-go is missing. */
export async function buildMinioGoClient(outDir: string): Promise<string> {
  const out = join(outDir, 'minio-go-client');
  await promisify(execFile)('go', ['build', '-o', out, '.'], {
    cwd: here,
    env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '' },
    timeout: 120_000,
  });
  return out;
}
