// The kernel + initramfs that real-boot tests netboot, built once by boot-payload/build-test-initramfs.sh
// and reused from a cache directory keyed by everything that goes into them (builder sources, hooks,
// the Debian kernel package version, the busybox/curl binaries), so a change rebuilds and nothing else does.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PAYLOAD = join(REPO, 'boot-payload');

export interface BootAssetOptions {
  /** Put curl (with its libraries) in the initramfs for S3 hooks. */
  withCurl?: boolean;
  /** Scripts the guest runs on the fetched extra document (see the builder's --hook). */
  hooks?: string[];
  /** Default: $B2C_BOOT_ASSETS_DIR or <repo>/.cache/boot-assets. */
  cacheDir?: string;
}

export interface BootAssets {
  dir: string;
  kernel: string;
  initramfs: string;
  kernelRelease: string;
}

async function hashFiles(hash: ReturnType<typeof createHash>, files: string[]): Promise<void> {
  for (const file of files) {
    hash.update(`\0${basename(file)}\0`);
    hash.update(await readFile(file));
  }
}

async function which(tool: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', `command -v ${tool}`]).catch(() => {
    throw new Error(`${tool} is not installed; run \`npm run pretest\` (scripts/ensure-deps.sh)`);
  });
  return stdout.trim();
}

async function cacheKey(opts: BootAssetOptions): Promise<string> {
  const hash = createHash('sha256').update('b2c-test-boot-assets v1\0');
  const { stdout: kernelPackage } = await run(join(PAYLOAD, 'debian-kernel.sh'), ['resolve']);
  hash.update(kernelPackage.trim());
  const initDir = join(PAYLOAD, 'test-initramfs');
  const sources = [
    join(PAYLOAD, 'build-test-initramfs.sh'),
    join(PAYLOAD, 'debian-kernel.sh'),
    ...(await readdir(initDir)).sort().map((name) => join(initDir, name)),
  ];
  await hashFiles(hash, sources);
  await hashFiles(hash, [await which('busybox')]);
  if (opts.withCurl) await hashFiles(hash, [await which('curl')]);
  hash.update(`hooks:${(opts.hooks ?? []).length}`);
  await hashFiles(hash, opts.hooks ?? []);
  return hash.digest('hex').slice(0, 20);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Builds unused for this long are removed (each is ~15 MB; ~25 MB with curl). */
const UNUSED_FOR_MS = 14 * 24 * 3600 * 1000;

/** Drops staging dirs of builds whose process died (a CI timeout, a SIGKILL) and builds nobody used lately. */
async function pruneCache(cacheDir: string, keep: string): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const path = join(cacheDir, name);
    const staging = /\.building-(\d+)$/.exec(name);
    const stale = staging
      ? !isRunning(Number(staging[1]))
      // A concurrent prune may have removed it already: no mtime, not stale.
      : name !== keep && Date.now() - ((await stat(path).catch(() => null))?.mtimeMs ?? Date.now()) > UNUSED_FOR_MS;
    if (stale) await rm(path, { recursive: true, force: true });
  }
}

function assetsIn(dir: string, kernelRelease: string): BootAssets {
  return { dir, kernel: join(dir, 'vmlinuz'), initramfs: join(dir, 'initramfs.cpio.gz'), kernelRelease };
}

/** Returns the cached build for these options, building it first if needed (~7 s, downloads ~27 MB). */
export async function ensureBootAssets(opts: BootAssetOptions = {}): Promise<BootAssets> {
  const cacheDir = opts.cacheDir ?? process.env.B2C_BOOT_ASSETS_DIR ?? join(REPO, '.cache', 'boot-assets');
  const key = await cacheKey(opts);
  const dir = join(cacheDir, key);
  await mkdir(cacheDir, { recursive: true });
  await pruneCache(cacheDir, key);
  if (existsSync(join(dir, 'kernel-release'))) {
    const now = new Date();
    await utimes(dir, now, now); // marks it used, for pruneCache
    return assetsIn(dir, (await readFile(join(dir, 'kernel-release'), 'utf8')).trim());
  }
  // Build beside the final name and rename: concurrent test files never see a half-written build.
  const staging = `${dir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const args = ['--out', staging, ...(opts.withCurl ? ['--with-curl'] : [])];
  for (const hook of opts.hooks ?? []) args.push('--hook', hook);
  try {
    await run(join(PAYLOAD, 'build-test-initramfs.sh'), args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`building the test boot assets failed: ${(err as Error).message}\n${stderr}`);
  }
  try {
    await rename(staging, dir);
  } catch {
    // Another process finished the same build first; theirs is identical.
    await rm(staging, { recursive: true, force: true });
  }
  return assetsIn(dir, (await readFile(join(dir, 'kernel-release'), 'utf8')).trim());
}
