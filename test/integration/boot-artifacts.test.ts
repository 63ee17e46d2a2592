// /artifacts/:name as machines and download tools use it: a 50 MiB artifact uploaded by curl (streamed from a file),
// read back whole and by ranges with matching sha256, conditional requests, HEAD, resume with `curl -C -`, and path
// traversal attempts sent byte-for-byte with `curl --path-as-is`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const run = promisify(execFile);
const SIZE = 50 * 1024 * 1024;
const MiB = 1024 * 1024;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Hashes a response body as it streams (never whole in memory). */
async function hashBody(res: Response): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) { h.update(chunk); bytes += chunk.length; }
  return { sha256: h.digest('hex'), bytes };
}

/** Runs curl; returns status and body. `curl` is a hard dependency of the suite (no silent skip). */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-sS', '-o', '-', '-w', '\n%{http_code}', ...args], { maxBuffer: 4 * MiB, encoding: 'latin1' });
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

describe('artifact download (50 MiB)', () => {
  let s: TestServer;
  let tmp: string;
  let file: string;
  let content: Buffer;
  let digest: string;
  let url: string;

  before(async () => {
    s = await startTestServer();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'netboot-artifacts-'));
    file = path.join(tmp, 'big.img');
    content = randomBytes(SIZE);
    digest = sha256(content);
    await writeFile(file, content);
    url = `${s.url}/artifacts/big.img`;
  });
  after(async () => {
    await s?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('upload with curl -T (streamed from the file): size and sha256 computed', async () => {
    const started = Date.now();
    const { stdout } = await run('curl', ['-sS', '-T', file, '-H', `Authorization: Bearer ${s.adminToken}`, '-w', '\n%{http_code}',
      `${s.url}/api/v1/artifacts/big.img?kind=kernel&arch=x86_64`]);
    const [body, status] = stdout.split('\n');
    assert.equal(status, '201', body);
    const a = JSON.parse(body!);
    assert.equal(a.size, SIZE);
    assert.equal(a.sha256, digest);
    assert.equal(a.kind, 'kernel');
    assert.equal(a.arch, 'x86_64');
    assert.deepEqual(a.usedBy, []);
    const blob = path.join(s.dataDir, 'artifacts', 'sha256', digest.slice(0, 2), digest);
    assert.equal(sha256(await readFile(blob)), digest, 'stored content-addressed');
    assert.ok(Date.now() - started < 20_000);
  });

  test('GET whole: Content-Length, ETag, Accept-Ranges and the same sha256', async () => {
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(SIZE));
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.equal(res.headers.get('etag'), `"sha256-${digest}"`);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual(await hashBody(res), { sha256: digest, bytes: SIZE });
  });

  const ranges: Array<{ name: string; header: (size: number) => string; start: (size: number) => number; end: (size: number) => number }> = [
    { name: 'first KiB', header: () => 'bytes=0-1023', start: () => 0, end: () => 1023 },
    { name: 'middle 3 MiB', header: () => `bytes=${20 * MiB + 7}-${23 * MiB + 6}`, start: () => 20 * MiB + 7, end: () => 23 * MiB + 6 },
    { name: 'suffix bytes=-N', header: () => 'bytes=-4096', start: (n) => n - 4096, end: (n) => n - 1 },
    { name: 'open-ended bytes=N-', header: (n) => `bytes=${n - 100_000}-`, start: (n) => n - 100_000, end: (n) => n - 1 },
    { name: 'end past the size is clamped', header: (n) => `bytes=${n - 10}-${n + 5000}`, start: (n) => n - 10, end: (n) => n - 1 },
    { name: 'last byte', header: (n) => `bytes=${n - 1}-${n - 1}`, start: (n) => n - 1, end: (n) => n - 1 },
    { name: 'suffix longer than the file', header: (n) => `bytes=-${n + 1}`, start: () => 0, end: (n) => n - 1 },
  ];
  for (const r of ranges) {
    test(`Range ${r.name} → 206 with the right bytes`, async () => {
      const res = await fetch(url, { headers: { range: r.header(SIZE) } });
      assert.equal(res.status, 206);
      const [start, end] = [r.start(SIZE), r.end(SIZE)];
      assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/${SIZE}`);
      assert.equal(res.headers.get('content-length'), String(end - start + 1));
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(sha256(body), sha256(content.subarray(start, end + 1)));
    });
  }

  for (const header of [`bytes=${SIZE}-`, `bytes=${SIZE + 10}-${SIZE + 20}`, 'bytes=-0', 'bytes=500-100']) {
    test(`unsatisfiable ${header} → 416 with Content-Range bytes */size`, async () => {
      const res = await fetch(url, { headers: { range: header } });
      assert.equal(res.status, 416);
      assert.equal(res.headers.get('content-range'), `bytes */${SIZE}`);
      const body = await res.json() as { error: string; message: string };
      assert.equal(body.error, 'range_not_satisfiable');
    });
  }

  for (const header of ['bytes=0-1,5-9', 'items=0-10', 'bytes=abc']) {
    test(`a Range the server does not honour (${header}) gets the whole file`, async () => {
      const res = await fetch(url, { headers: { range: header } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-length'), String(SIZE));
      await res.body?.cancel();
    });
  }

  test('If-None-Match with the ETag → 304 without a body; another ETag → 200', async () => {
    const etag = `"sha256-${digest}"`;
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await fetch(url, { headers: { 'if-none-match': inm } });
      assert.equal(res.status, 304, inm);
      assert.equal(res.headers.get('etag'), etag);
      assert.equal((await res.arrayBuffer()).byteLength, 0);
    }
    const miss = await fetch(url, { headers: { 'if-none-match': '"sha256-0000"' } });
    assert.equal(miss.status, 200);
    await miss.body?.cancel();
  });

  test('If-Range: a stale validator gets the whole file, the current one gets the range', async () => {
    const stale = await fetch(url, { headers: { range: 'bytes=0-99', 'if-range': '"sha256-stale"' } });
    assert.equal(stale.status, 200);
    assert.equal(stale.headers.get('content-length'), String(SIZE));
    assert.equal((await hashBody(stale)).sha256, digest);
    const current = await fetch(url, { headers: { range: 'bytes=0-99', 'if-range': `"sha256-${digest}"` } });
    assert.equal(current.status, 206);
    assert.equal(Buffer.compare(Buffer.from(await current.arrayBuffer()), content.subarray(0, 100)), 0);
  });

  test('HEAD gives Content-Length and validators without a body (checked on the wire by curl)', async () => {
    const { stdout } = await run('curl', ['-sS', '-I', '-w', 'downloaded=%{size_download}', url]);
    assert.match(stdout, /^HTTP\/1\.1 200/);
    assert.match(stdout, new RegExp(`\\r\\ncontent-length: ${SIZE}\\r\\n`, 'i'));
    assert.match(stdout, new RegExp(`\\r\\netag: "sha256-${digest}"\\r\\n`, 'i'));
    assert.match(stdout, /downloaded=0$/);
    const ranged = await fetch(url, { method: 'HEAD', headers: { range: 'bytes=-10' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-length'), '10');
  });

  test('curl downloads it whole, and resumes a partial download with -C -', async () => {
    const whole = path.join(tmp, 'whole.img');
    await run('curl', ['-sS', '-f', '-o', whole, url]);
    assert.equal(sha256(await readFile(whole)), digest);

    const partial = path.join(tmp, 'partial.img');
    await writeFile(partial, content.subarray(0, 17 * MiB + 3));
    await run('curl', ['-sS', '-f', '-C', '-', '-o', partial, url]);
    assert.equal(sha256(await readFile(partial)), digest);
  });

  test('the list shows size, sha256 and the profiles using it; DELETE is refused while used', async () => {
    assert.equal((await s.api('PUT', '/api/v1/artifacts/initrd?kind=initramfs', 'initrd')).status, 201);
    const created = await s.api('POST', '/api/v1/profiles', { name: 'uses-big', kernel: 'big.img', initramfs: 'initrd', containers: ['docker.io/library/alpine true'] });
    assert.equal(created.status, 201, created.text);

    const list = (await s.api('GET', '/api/v1/artifacts')).body as Array<{ name: string; size: number; sha256: string; usedBy: string[] }>;
    const big = list.find((a) => a.name === 'big.img');
    assert.deepEqual({ size: big?.size, sha256: big?.sha256, usedBy: big?.usedBy }, { size: SIZE, sha256: digest, usedBy: ['uses-big'] });

    const refused = await s.api('DELETE', '/api/v1/artifacts/big.img');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error, 'conflict');
    assert.match(refused.body.message, /uses-big/);
    assert.equal((await fetch(url, { method: 'HEAD' })).status, 200, 'still served');

    assert.equal((await s.api('DELETE', '/api/v1/profiles/uses-big')).status, 204);
    assert.equal((await s.api('DELETE', '/api/v1/artifacts/big.img')).status, 204);
    assert.equal((await fetch(url, { method: 'HEAD' })).status, 404);
    const blob = path.join(s.dataDir, 'artifacts', 'sha256', digest.slice(0, 2), digest);
    await assert.rejects(readFile(blob), { code: 'ENOENT' }, 'the unused blob is removed');
  });
});

describe('path traversal on /artifacts', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    assert.equal((await s.api('PUT', '/api/v1/artifacts/vmlinuz?kind=kernel', 'kernel')).status, 201);
  });
  after(() => s?.close());

  // Each is sent exactly as written (curl --path-as-is): the server sees the dots and escapes itself.
  const attempts = [
    '/artifacts/../netboot.sqlite',
    '/artifacts/../../../../etc/passwd',
    '/artifacts/vmlinuz/../../netboot.sqlite',
    '/artifacts/%2e%2e/netboot.sqlite',
    '/artifacts/%2e%2e%2fnetboot.sqlite',
    '/artifacts/%2E%2E%2F%2E%2E%2Fmaster.key',
    '/artifacts/..%2fnetboot.sqlite',
    '/artifacts/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/artifacts/..%5cnetboot.sqlite',
    '/artifacts/%5c..%5c..%5cnetboot.sqlite',
    '/artifacts/..',
    '/artifacts/%2e%2e',
    '/artifacts/.%2e',
    '/artifacts/%2e',
    '/artifacts//etc/passwd',
    '/artifacts/%2fetc%2fpasswd',
    '/artifacts/%2Fetc%2Fpasswd',
    '/artifacts/C:%5cWindows%5cwin.ini',
    '/artifacts/%252e%252e%252fnetboot.sqlite',
    '/artifacts/%252e%252e/netboot.sqlite',
    '/artifacts/%c0%ae%c0%ae%c0%afetc%c0%afpasswd',
    '/artifacts/vmlinuz%00.txt',
    '/artifacts/vmlinuz%2f..%2f..%2fnetboot.sqlite',
    '/artifacts/sha256',
    '/artifacts/tmp',
  ];
  for (const p of attempts) {
    for (const method of ['GET', 'HEAD']) {
      test(`${method} ${p} → 4xx, nothing outside served`, async () => {
        const res = await curl(['--path-as-is', '-X', method, ...(method === 'HEAD' ? ['-I'] : []), s.url + p]);
        assert.ok(res.status >= 400 && res.status < 500, `${p} answered ${res.status}`);
        assert.doesNotMatch(res.body, /SQLite format 3|root:.*:0:0:|\[fonts\]/);
        assert.ok(res.body.length < 1024, 'only a short error');
        if (method === 'GET' && res.body) assert.equal(typeof JSON.parse(res.body).error, 'string');
      });
    }
  }

  test('the real artifact still reads after the attempts', async () => {
    const res = await curl([`${s.url}/artifacts/vmlinuz`]);
    assert.deepEqual(res, { status: 200, body: 'kernel' });
  });
});
