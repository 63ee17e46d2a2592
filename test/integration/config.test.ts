// Configuration (DESIGN §8): every setting from its environment variable or its `serve` flag, typed and validated once;
// a bad value stops the process with exit code 2 and a message naming the variable (or flag) — never the secret.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONFIG_DEFAULTS, ConfigError, envName, flagName, loadConfig } from '../../server/src/config.ts';

const BIN = fileURLToPath(new URL('../../bin/b2c-netboot.mjs', import.meta.url));

describe('loadConfig', () => {
  test('defaults match DESIGN §8', () => {
    const c = loadConfig({});
    assert.deepEqual(
      { dataDir: c.dataDir, httpHost: c.httpHost, httpPort: c.httpPort, publicUrl: c.publicUrl, adminToken: c.adminToken, tftpPort: c.tftpPort, s3Port: c.s3Port, unknown: c.unknown, extraArgsTtl: c.extraArgsTtl, extraArgsMaxReads: c.extraArgsMaxReads },
      { dataDir: './data', httpHost: '0.0.0.0', httpPort: 8080, publicUrl: null, adminToken: null, tftpPort: 69, s3Port: 9000, unknown: 'retry', extraArgsTtl: 600, extraArgsMaxReads: 3 },
    );
  });

  test('names derive mechanically: env NETBOOT_SNAKE, flag --kebab', () => {
    assert.equal(envName('s3BackendUrl'), 'NETBOOT_S3_BACKEND_URL');
    assert.equal(flagName('s3BackendUrl'), '--s3-backend-url');
    for (const name of ['NETBOOT_DATA_DIR', 'NETBOOT_HTTP_HOST', 'NETBOOT_HTTP_PORT', 'NETBOOT_PUBLIC_URL', 'NETBOOT_ADMIN_TOKEN', 'NETBOOT_TFTP_PORT',
      'NETBOOT_S3_PORT', 'NETBOOT_S3_BACKEND_URL', 'NETBOOT_S3_BACKEND_ACCESS_KEY', 'NETBOOT_S3_BACKEND_SECRET_KEY', 'NETBOOT_S3_BUCKET', 'NETBOOT_UNKNOWN']) {
      assert.ok((Object.keys(CONFIG_DEFAULTS) as Array<keyof typeof CONFIG_DEFAULTS>).some((k) => envName(k) === name), `${name} exists`);
    }
  });

  test('values from the environment and flags are converted; flags win', () => {
    const c = loadConfig(
      { NETBOOT_HTTP_PORT: '9090', NETBOOT_EXTRA_ARGS_BIND_IP: 'true', NETBOOT_UNKNOWN: 'profile:lab-default', NETBOOT_PUBLIC_URL: 'http://10.0.0.1:9090' },
      ['--http-port', '7070', '--extra-args-ttl=120'],
    );
    assert.equal(c.httpPort, 7070);
    assert.equal(c.extraArgsTtl, 120);
    assert.equal(c.extraArgsBindIp, true);
    assert.equal(c.unknown, 'profile:lab-default');
    assert.equal(c.publicUrl, 'http://10.0.0.1:9090');
    assert.equal(loadConfig({ NETBOOT_HTTP_PORT: '' }).httpPort, 8080, 'an empty variable means unset');
  });

  const refused: Array<{ name: string; env?: Record<string, string>; argv?: string[]; names: string; hides?: string }> = [
    { name: 'port not a number', env: { NETBOOT_HTTP_PORT: 'eighty' }, names: 'NETBOOT_HTTP_PORT' },
    { name: 'port out of range', env: { NETBOOT_TFTP_PORT: '70000' }, names: 'NETBOOT_TFTP_PORT' },
    { name: 'unknown-MAC policy', env: { NETBOOT_UNKNOWN: 'boot-anything' }, names: 'NETBOOT_UNKNOWN' },
    { name: 'unknown-MAC profile name', env: { NETBOOT_UNKNOWN: 'profile:../x' }, names: 'NETBOOT_UNKNOWN' },
    { name: 'public URL scheme', env: { NETBOOT_PUBLIC_URL: 'ftp://server/' }, names: 'NETBOOT_PUBLIC_URL' },
    { name: 'public URL with a space', env: { NETBOOT_PUBLIC_URL: 'http://server name/' }, names: 'NETBOOT_PUBLIC_URL' },
    { name: 'TTL zero', env: { NETBOOT_EXTRA_ARGS_TTL: '0' }, names: 'NETBOOT_EXTRA_ARGS_TTL' },
    { name: 'read limit zero', env: { NETBOOT_EXTRA_ARGS_MAX_READS: '0' }, names: 'NETBOOT_EXTRA_ARGS_MAX_READS' },
    { name: 'boolean', env: { NETBOOT_EXTRA_ARGS_BIND_IP: 'maybe' }, names: 'NETBOOT_EXTRA_ARGS_BIND_IP' },
    { name: 'bucket name', env: { NETBOOT_S3_BUCKET: 'Not_A_Bucket' }, names: 'NETBOOT_S3_BUCKET' },
    { name: 'log level', env: { NETBOOT_LOG_LEVEL: 'loud' }, names: 'NETBOOT_LOG_LEVEL' },
    { name: 'short admin token (value hidden)', env: { NETBOOT_ADMIN_TOKEN: 'short-secret' }, names: 'NETBOOT_ADMIN_TOKEN', hides: 'short-secret' },
    { name: 'bad master key (value hidden)', env: { NETBOOT_MASTER_KEY: 'not-hex-secret' }, names: 'NETBOOT_MASTER_KEY', hides: 'not-hex-secret' },
    { name: 'flag value', argv: ['--http-port', '-1'], names: '--http-port' },
    { name: 'flag overrides a good env value with a bad one', env: { NETBOOT_HTTP_PORT: '80' }, argv: ['--http-port=x'], names: '--http-port' },
    { name: 'unknown flag', argv: ['--http-prot', '80'], names: '--http-prot' },
    { name: 'flag without a value', argv: ['--data-dir'], names: '--data-dir' },
    { name: 'secret as a flag', argv: ['--admin-token', 'abcdefghijklmnopqrstuvwxyz'], names: 'NETBOOT_ADMIN_TOKEN', hides: 'abcdefghijklmnopqrstuvwxyz' },
  ];
  for (const r of refused) {
    test(`refused: ${r.name} → ConfigError naming ${r.names}`, () => {
      assert.throws(() => loadConfig(r.env ?? {}, r.argv ?? []), (err: unknown) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.ok(err.message.includes(r.names), err.message);
        if (r.hides) assert.ok(!err.message.includes(r.hides), `the secret is not echoed: ${err.message}`);
        return true;
      });
    });
  }
});

describe('config errors stop the process', () => {
  function run(args: string[], vars: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NETBOOT_')));
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, ...vars }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('timed out')); }, 60_000);
      child.on('error', reject);
      child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    });
  }

  test('serve and migrate exit 2 with one line naming the variable or flag, before touching anything', async () => {
    const cases: Array<[string[], Record<string, string>, string]> = [
      [['serve'], { NETBOOT_HTTP_PORT: 'abc' }, 'NETBOOT_HTTP_PORT'],
      [['serve', '--unknown', 'sometimes'], {}, '--unknown'],
      [['serve', '--admin-token', 'abcdefghijklmnopqrstuvwxyz'], {}, 'NETBOOT_ADMIN_TOKEN'],
      [['migrate'], { NETBOOT_S3_BUCKET: 'UPPER' }, 'NETBOOT_S3_BUCKET'],
    ];
    const results = await Promise.all(cases.map(([args, vars]) => run(args, { NETBOOT_DATA_DIR: '/nonexistent/never-created', ...vars })));
    results.forEach((r, i) => {
      const [args, , names] = cases[i]!;
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.startsWith('b2c-netboot: '), r.stderr);
      assert.ok(r.stderr.includes(names), r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
      assert.ok(!r.stderr.includes('abcdefghijklmnopqrstuvwxyz'));
      assert.equal(r.stdout, '');
    });
  });
});
