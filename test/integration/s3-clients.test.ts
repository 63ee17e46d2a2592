// Real S3 clients through the gateway to a real backend (s3rver): each round trip must be byte-identical and
// every object must land under machines/<mac-hex>/ in the backend bucket.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as Minio from 'minio';
import { buildMinioGoClient } from '../helpers/minio-go/build.ts';
import { BUCKET, type S3Fixture, type TestSession, startS3Fixture } from '../helpers/s3-fixture.ts';

const run = promisify(execFile);
const MiB = 1024 * 1024;

async function sh(cmd: string, args: string[], env: Record<string, string> = {}, timeout = 180_000): Promise<string> {
  const base = { ...process.env };
  delete base.AWS_CA_BUNDLE; // Debian's rclone refuses to start when it is set, even for http:// endpoints
  try {
    const { stdout } = await run(cmd, args, { env: { ...base, ...env }, timeout, maxBuffer: 64 * MiB });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}`);
  }
}

/** A tree of mixed files: empty, tiny, odd sizes, names with spaces and UTF-8, one big enough for multipart. */
async function makeTree(dir: string, bigMiB = 12): Promise<void> {
  await mkdir(join(dir, 'sub dir', 'deeper'), { recursive: true });
  await writeFile(join(dir, 'empty.txt'), '');
  await writeFile(join(dir, 'hello.txt'), 'hello from the machine\n');
  await writeFile(join(dir, 'sub dir', 'ünïcode name.bin'), randomBytes(70_001));
  await writeFile(join(dir, 'sub dir', 'deeper', 'odd+chars=1&x.bin'), randomBytes(1_000_003));
  await writeFile(join(dir, 'big.bin'), randomBytes(bigMiB * MiB + 7));
}

async function treeDigest(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    out.set(relative(dir, p), createHash('sha256').update(await readFile(p)).digest('hex'));
  }
  return out;
}

async function assertSameTree(a: string, b: string): Promise<void> {
  assert.deepEqual([...(await treeDigest(b)).entries()].sort(), [...(await treeDigest(a)).entries()].sort());
}

describe('real S3 clients through the gateway', { timeout: 600_000 }, () => {
  let f: S3Fixture;
  let work: string;
  before(async () => {
    f = await startS3Fixture();
    work = join(f.dir, 'work');
    await mkdir(work);
  });
  after(async () => { await f?.close(); });

  const dirs = async (name: string) => {
    const src = join(work, name, 'src');
    const back = join(work, name, 'back');
    await mkdir(back, { recursive: true });
    await makeTree(src);
    return { src, back };
  };
  const backendUnder = async (s: TestSession, volume: string) => (await f.backendKeys()).filter((k) => k.startsWith(`${s.prefix}${volume}/`));

  test('rclone sync up, sync down, check (UNSIGNED-PAYLOAD and multipart parts)', async () => {
    const s = f.newSession('52:54:00:00:00:01');
    const { src, back } = await dirs('rclone');
    const env = {
      RCLONE_CONFIG_GW_TYPE: 's3', RCLONE_CONFIG_GW_PROVIDER: 'Other', RCLONE_CONFIG_GW_ENDPOINT: f.gatewayUrl,
      RCLONE_CONFIG_GW_ACCESS_KEY_ID: s.accessKey, RCLONE_CONFIG_GW_SECRET_ACCESS_KEY: s.secretKey,
      RCLONE_CONFIG_GW_REGION: 'us-east-1', RCLONE_CONFIG_GW_FORCE_PATH_STYLE: 'true', RCLONE_CONFIG: '/dev/null',
    };
    const remote = `gw:${BUCKET}/${s.prefix}rclone`;
    const flags = ['--s3-no-check-bucket', '--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M'];
    await sh('rclone', ['sync', ...flags, src, remote], env);
    await sh('rclone', ['sync', ...flags, remote, back], env);
    await sh('rclone', ['check', ...flags, src, remote], env);
    await assertSameTree(src, back);
    assert.equal((await backendUnder(s, 'rclone')).length, 5);
  });

  test('s3cmd sync up and down', async () => {
    const s = f.newSession('52:54:00:00:00:02');
    const { src, back } = await dirs('s3cmd');
    const base = ['-c', '/dev/null', `--access_key=${s.accessKey}`, `--secret_key=${s.secretKey}`, `--host=127.0.0.1:${f.gatewayPort}`,
      `--host-bucket=127.0.0.1:${f.gatewayPort}`, '--no-ssl', '--region=us-east-1', '--multipart-chunk-size-mb=5'];
    await sh('s3cmd', [...base, 'sync', `${src}/`, `s3://${BUCKET}/${s.prefix}s3cmd/`]);
    await sh('s3cmd', [...base, 'sync', `s3://${BUCKET}/${s.prefix}s3cmd/`, `${back}/`]);
    await assertSameTree(src, back);
    assert.equal((await backendUnder(s, 's3cmd')).length, 5);
  });

  test("Debian's /usr/bin/aws s3 sync up and down (sha256 payloads, multipart)", async () => {
    const s = f.newSession('52:54:00:00:00:03');
    const { src, back } = await dirs('awscli');
    const env = {
      AWS_ACCESS_KEY_ID: s.accessKey, AWS_SECRET_ACCESS_KEY: s.secretKey, AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    };
    const ep = ['--endpoint-url', f.gatewayUrl];
    await sh('/usr/bin/aws', [...ep, 's3', 'sync', src, `s3://${BUCKET}/${s.prefix}awscli`], env);
    await sh('/usr/bin/aws', [...ep, 's3', 'sync', `s3://${BUCKET}/${s.prefix}awscli`, back], env);
    await assertSameTree(src, back);
    assert.equal((await backendUnder(s, 'awscli')).length, 5);
  });

  test('minio-js put, list, get, remove', async () => {
    const s = f.newSession('52:54:00:00:00:04');
    const c = new Minio.Client({ endPoint: '127.0.0.1', port: f.gatewayPort, useSSL: false, accessKey: s.accessKey, secretKey: s.secretKey, region: 'us-east-1', pathStyle: true });
    const data = randomBytes(3 * MiB + 1);
    await c.putObject(BUCKET, `${s.prefix}js/a.bin`, data, data.length);
    await c.putObject(BUCKET, `${s.prefix}js/b.txt`, Buffer.from('b'), 1);
    const listed: string[] = [];
    for await (const o of c.listObjectsV2(BUCKET, `${s.prefix}js/`, true)) listed.push(o.name!);
    assert.deepEqual(listed.sort(), [`${s.prefix}js/a.bin`, `${s.prefix}js/b.txt`]);
    const parts: Buffer[] = [];
    for await (const chunk of await c.getObject(BUCKET, `${s.prefix}js/a.bin`)) parts.push(chunk as Buffer);
    assert.ok(Buffer.concat(parts).equals(data));
    await c.removeObjects(BUCKET, [`${s.prefix}js/a.bin`, `${s.prefix}js/b.txt`]);
    assert.deepEqual(await backendUnder(s, 'js'), []);
  });

  test('@aws-sdk/client-s3 with a stream body (aws-chunked, crc32 trailer)', async () => {
    const s = f.newSession('52:54:00:00:00:05');
    const c = new S3Client({ endpoint: f.gatewayUrl, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s.accessKey, secretAccessKey: s.secretKey } });
    try {
      const data = randomBytes(5 * MiB + 3);
      const key = `${s.prefix}sdk/stream.bin`;
      const chunks = [data.subarray(0, 1_000_000), data.subarray(1_000_000)];
      await c.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Readable.from(chunks), ContentLength: data.length }));
      const got = Buffer.from(await (await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
      assert.ok(got.equals(data));
      // The backend holds the decoded bytes, not the aws-chunked framing.
      assert.ok((await f.backendGet(key)).equals(data));
    } finally {
      c.destroy();
    }
  });

  test('curl --aws-sigv4 (what the e2e guest uses): PUT, GET, list; an upload signed as empty is refused', async () => {
    const s = f.newSession('52:54:00:00:00:07');
    const file = join(f.dir, 'curl.txt');
    await writeFile(file, 'sent by curl\n');
    const curl = (...args: string[]) => sh('curl', ['-sS', '-f', '--aws-sigv4', 'aws:amz:us-east-1:s3', '--user', `${s.accessKey}:${s.secretKey}`, ...args]);
    const url = `${f.gatewayUrl}/${BUCKET}/${s.prefix}curl/a.txt`;
    await curl('-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD', '-T', file, url);
    assert.equal(await curl(url), 'sent by curl\n');
    assert.match(await curl(`${f.gatewayUrl}/${BUCKET}?list-type=2&prefix=${encodeURIComponent(`${s.prefix}curl/`)}`), /<Key>machines\/525400000007\/curl\/a.txt<\/Key>/);
    // curl 7.88 sends no x-amz-content-sha256 and signs the empty hash even for -T: MinIO's rule (the empty
    // hash is assumed) makes that a mismatch, not a silently unverified body.
    await assert.rejects(curl('-T', file, `${f.gatewayUrl}/${BUCKET}/${s.prefix}curl/b.txt`), /error: 400/);
    assert.deepEqual(await backendUnder(s, 'curl'), [`${s.prefix}curl/a.txt`]);
  });

  describe('minio-go (the library inside mcli)', () => {
    let bin: string;
    let s: TestSession;
    let env: Record<string, string>;
    before(async () => {
      bin = await buildMinioGoClient(f.dir);
      s = f.newSession('52:54:00:00:00:06');
      env = { S3_ENDPOINT: `127.0.0.1:${f.gatewayPort}`, S3_ACCESS_KEY: s.accessKey, S3_SECRET_KEY: s.secretKey };
    });

    test("mcli's random-bucket probe gets NoSuchBucket, not a signature error", async () => {
      assert.equal((await sh(bin, ['probe'], env)).trim(), 'location=NoSuchBucket exists=false');
      // The same probe with a wrong secret is a signature error: the probe really checks our signature.
      assert.equal((await sh(bin, ['probe'], { ...env, S3_SECRET_KEY: 'x'.repeat(40) })).trim(), 'location=SignatureDoesNotMatch exists=SignatureDoesNotMatch');
    });

    test('put (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), list, copy, get, rm', async () => {
      const file = join(f.dir, 'mgo.bin');
      const data = randomBytes(2 * MiB + 333);
      await writeFile(file, data);
      await sh(bin, ['put', BUCKET, `${s.prefix}mgo/a.bin`, file], env);
      assert.ok((await f.backendGet(`${s.prefix}mgo/a.bin`)).equals(data), 'decoded bytes stored, not chunk framing');
      await sh(bin, ['copy', BUCKET, `${s.prefix}mgo/a.bin`, `${s.prefix}mgo/copy.bin`], env);
      assert.deepEqual((await sh(bin, ['list', BUCKET, `${s.prefix}mgo/`], env)).trim().split('\n').sort(),
        [`${s.prefix}mgo/a.bin`, `${s.prefix}mgo/copy.bin`]);
      await sh(bin, ['get', BUCKET, `${s.prefix}mgo/copy.bin`, join(f.dir, 'mgo.back')], env);
      assert.ok((await readFile(join(f.dir, 'mgo.back'))).equals(data));
      await sh(bin, ['rm', BUCKET, `${s.prefix}mgo/a.bin`, `${s.prefix}mgo/copy.bin`], env);
      assert.deepEqual(await backendUnder(s, 'mgo'), []);
    });

    test('100 MiB multipart round trip is byte-identical', async () => {
      const file = join(f.dir, 'big100.bin');
      const data = randomBytes(100 * MiB);
      await writeFile(file, data);
      const digest = createHash('sha256').update(data).digest('hex');
      await sh(bin, ['put', BUCKET, `${s.prefix}big/100.bin`, file, '16'], env, 300_000);
      await sh(bin, ['get', BUCKET, `${s.prefix}big/100.bin`, join(f.dir, 'big100.back')], env, 300_000);
      assert.equal(createHash('sha256').update(await readFile(join(f.dir, 'big100.back'))).digest('hex'), digest);
      assert.deepEqual(await backendUnder(s, 'big'), [`${s.prefix}big/100.bin`]);
    });
  });

  test('every object in the backend is under machines/<mac-hex>/', async () => {
    const keys = await f.backendKeys();
    assert.ok(keys.length > 0);
    for (const k of keys) assert.match(k, /^machines\/[0-9a-f]{12}\//);
  });

  test('traffic is summarised into s3 events per machine', async () => {
    await new Promise((r) => setTimeout(r, 400));
    const mine = f.events.filter((e) => e.type === 's3' && e.mac === '52:54:00:00:00:01');
    const sum = (k: string) => mine.reduce((n, e) => n + Number(e.detail?.[k] ?? 0), 0);
    assert.ok(sum('pushes') >= 5, `pushes ${sum('pushes')}`);
    assert.ok(sum('pulls') >= 5, `pulls ${sum('pulls')}`);
    assert.ok(sum('bytesIn') >= 12 * MiB && sum('bytesOut') >= 12 * MiB);
  });
});
