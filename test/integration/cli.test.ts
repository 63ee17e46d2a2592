// The `b2c-netboot` bin as an operator runs it: migrate, token create/list/delete, usage errors, and `serve` printing
// the first admin token once (and never again on the same data dir), stopping cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.ts';

const BIN = fileURLToPath(new URL('../../bin/b2c-netboot.mjs', import.meta.url));
const TIMEOUT_MS = 60_000; // module loading alone takes seconds on a busy 2-core CI machine

/** The parent's environment without any NETBOOT_* setting, plus the ones given. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NETBOOT_')));
  return { ...env, ...vars };
}

interface Result { code: number | null; stdout: string; stderr: string }

function cli(args: string[], vars: Record<string, string>): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: envWith(vars), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`b2c-netboot ${args.join(' ')} timed out`)); }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

interface Served { child: ChildProcess; url: string; output: () => string; stop(): Promise<number | null> }

/** Starts `serve` and waits for its "serving" log line (JSON on stdout). */
function serve(vars: Record<string, string>): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: envWith({ NETBOOT_HTTP_HOST: '127.0.0.1', NETBOOT_HTTP_PORT: '0', NETBOOT_TFTP_PORT: '0', NETBOOT_S3_PORT: '0', NETBOOT_LOG_LEVEL: 'info', ...vars }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const stop = async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    };
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`serve did not start:\n${out}`)); }, TIMEOUT_MS);
    child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"b2c-netboot is serving"'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, url: JSON.parse(line).httpUrl as string, output: () => out, stop });
      }
    });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}:\n${out}`)); });
  });
}

// Each test has its own data dir, and each CLI start costs seconds of module loading: run them side by side.
describe('b2c-netboot CLI', { concurrency: true }, () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'netboot-cli-')); });
  after(() => rm(dir, { recursive: true, force: true }));

  test('usage: --help exits 0, an unknown command exits 2 with the usage', async () => {
    const [help, unknown] = await Promise.all([
      cli(['--help'], {}),
      cli(['frobnicate'], { NETBOOT_DATA_DIR: path.join(dir, 'unused') }),
    ]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage: b2c-netboot/);
    assert.match(help.stdout, /NETBOOT_HTTP_PORT/);
    assert.match(help.stdout, /--http-port/);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /usage: b2c-netboot/);
  });

  test('migrate creates the database and is idempotent', async () => {
    const data = path.join(dir, 'migrate');
    const first = await cli(['migrate'], { NETBOOT_DATA_DIR: data });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /database is up to date/);
    assert.ok(existsSync(path.join(data, 'netboot.sqlite')));
    const again = await cli(['migrate'], { NETBOOT_DATA_DIR: data });
    assert.equal(again.code, 0, again.stderr);
  });

  test('token create prints a token once that the server accepts with its role; list, delete, refusals', async () => {
    const data = path.join(dir, 'tokens');
    const env = { NETBOOT_DATA_DIR: data };
    const created = await cli(['token', 'create', '--name', 'ci', '--role', 'viewer'], env);
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^\S{20,}$/);
    assert.equal(created.stdout, `${token}\n`, 'only the token, for $(...)');

    const [dup, badRole, noName, list] = await Promise.all([
      cli(['token', 'create', '--name', 'ci', '--role', 'viewer'], env),
      cli(['token', 'create', '--name', 'other', '--role', 'root'], env),
      cli(['token', 'create', '--role', 'admin'], env),
      cli(['token', 'list'], env),
    ]);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /already exists/);
    assert.equal(badRole.code, 2);
    assert.match(badRole.stderr, /--role/);
    assert.equal(noName.code, 2);
    assert.match(noName.stderr, /--name/);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^ci\tviewer\t/m);
    assert.ok(!list.stdout.includes(token), 'list never shows values');

    const s = await startTestServer({ dataDir: data });
    try {
      const me = await s.api('GET', '/api/v1/whoami', undefined, token);
      assert.deepEqual(me.body, { name: 'ci', role: 'viewer' });
      assert.equal((await s.api('POST', '/api/v1/tokens', { name: 'x', role: 'admin' }, token)).status, 403);
    } finally {
      await s.close();
    }

    const deleted = await cli(['token', 'delete', '--name', 'ci'], env);
    assert.equal(deleted.code, 0, deleted.stderr);
    const [listAfter, deleteAgain] = await Promise.all([cli(['token', 'list'], env), cli(['token', 'delete', '--name', 'ci'], env)]);
    assert.doesNotMatch(listAfter.stdout, /^ci\t/m);
    assert.equal(deleteAgain.code, 2);
  });

  test('serve prints the first admin token once, and stops cleanly on SIGTERM', async () => {
    const data = path.join(dir, 'serve');
    const first = await serve({ NETBOOT_DATA_DIR: data });
    let token: string;
    try {
      const printed = /First start: an admin API token was created[^\n]*\n\s*\n\s+(\S+)\n/.exec(first.output());
      assert.ok(printed, first.output());
      token = printed[1]!;
      const me = await fetch(`${first.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
      assert.deepEqual(await me.json(), { name: 'admin', role: 'admin' });
      assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
    } finally {
      assert.equal(await first.stop(), 0, 'SIGTERM → exit 0');
    }
    const logLines = first.output().split('\n').filter((l) => l.startsWith('{'));
    assert.ok(logLines.every((l) => !l.includes(token)), 'the token is not in the log');

    const second = await serve({ NETBOOT_DATA_DIR: data });
    try {
      assert.doesNotMatch(second.output(), /First start/);
      const me = await fetch(`${second.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(me.status, 200, 'the first token survives a restart');
    } finally {
      assert.equal(await second.stop(), 0);
    }
  });

  test('serve with NETBOOT_ADMIN_TOKEN prints no token', async () => {
    const s = await serve({ NETBOOT_DATA_DIR: path.join(dir, 'configured'), NETBOOT_ADMIN_TOKEN: 'configured-admin-token-0123456789' });
    try {
      assert.doesNotMatch(s.output(), /First start/);
      const me = await fetch(`${s.url}/api/v1/whoami`, { headers: { authorization: 'Bearer configured-admin-token-0123456789' } });
      assert.equal(me.status, 200);
      assert.ok(!s.output().includes('configured-admin-token-0123456789'), 'secrets are not logged');
    } finally {
      assert.equal(await s.stop(), 0);
    }
  });
});
