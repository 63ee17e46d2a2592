// /api/v1/artifacts: upload (raw body of any content type), replace, inspect, delete, the content-addressed blob
// store behind it, refused names and queries, and the upload size limit (nothing left behind, connection reusable).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const run = promisify(execFile);
const sha256 = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

const blobPath = (s: TestServer, digest: string) => path.join(s.dataDir, 'artifacts', 'sha256', digest.slice(0, 2), digest);
const exists = (p: string) => stat(p).then(() => true, () => false);

/** Every file under the blob store (sha256/ and tmp/), relative. */
async function blobFiles(s: TestServer): Promise<string[]> {
  const root = path.join(s.dataDir, 'artifacts');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name))).sort();
}

describe('artifact API', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer(); });
  after(() => s?.close());

  test('PUT creates (201), PUT again replaces (200) and drops the orphaned blob', async () => {
    const created = await s.api('PUT', '/api/v1/artifacts/vmlinuz?kind=kernel&arch=arm64', 'first kernel');
    assert.equal(created.status, 201);
    assert.deepEqual(
      { name: created.body.name, kind: created.body.kind, arch: created.body.arch, size: created.body.size, sha256: created.body.sha256, usedBy: created.body.usedBy },
      { name: 'vmlinuz', kind: 'kernel', arch: 'arm64', size: 12, sha256: sha256('first kernel'), usedBy: [] },
    );
    assert.ok(await exists(blobPath(s, sha256('first kernel'))));

    const replaced = await s.api('PUT', '/api/v1/artifacts/vmlinuz?kind=kernel', 'second kernel!');
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.sha256, sha256('second kernel!'));
    assert.equal(replaced.body.size, 14);
    assert.equal(replaced.body.arch, null);
    assert.equal(await exists(blobPath(s, sha256('first kernel'))), false, 'no artifact uses the old bytes any more');
    assert.equal(await (await fetch(`${s.url}/artifacts/vmlinuz`)).text(), 'second kernel!');

    const got = await s.api('GET', '/api/v1/artifacts/vmlinuz');
    assert.equal(got.status, 200);
    assert.equal(got.body.sha256, sha256('second kernel!'));
  });

  test('two names with the same bytes share one blob until both are gone', async () => {
    assert.equal((await s.api('PUT', '/api/v1/artifacts/a.bin?kind=other', 'same bytes')).status, 201);
    assert.equal((await s.api('PUT', '/api/v1/artifacts/b.bin?kind=other', 'same bytes')).status, 201);
    const blob = blobPath(s, sha256('same bytes'));
    assert.equal((await s.api('DELETE', '/api/v1/artifacts/a.bin')).status, 204);
    assert.ok(await exists(blob), 'b.bin still needs it');
    assert.equal(await (await fetch(`${s.url}/artifacts/b.bin`)).text(), 'same bytes');
    assert.equal((await s.api('DELETE', '/api/v1/artifacts/b.bin')).status, 204);
    assert.equal(await exists(blob), false);
  });

  test('the body is raw bytes whatever its Content-Type says (JSON is not parsed)', async () => {
    for (const [name, type] of [['as-json', 'application/json'], ['as-text', 'text/plain'], ['as-form', 'application/x-www-form-urlencoded'], ['as-xz', 'application/x-xz']]) {
      const body = '{"not": "parsed"}';
      const res = await s.api('PUT', `/api/v1/artifacts/${name}?kind=other`, body, undefined, { 'content-type': type! });
      assert.equal(res.status, 201, `${type}: ${res.text}`);
      assert.equal(res.body.sha256, sha256(body));
      assert.equal(await (await fetch(`${s.url}/artifacts/${name}`)).text(), body);
    }
  });

  test('DELETE while a profile uses it → 409; unknown → 404', async () => {
    assert.equal((await s.api('PUT', '/api/v1/artifacts/initrd?kind=initramfs', 'initrd')).status, 201);
    assert.equal((await s.api('POST', '/api/v1/profiles', { name: 'p1', kernel: 'vmlinuz', initramfs: 'initrd', containers: ['img true'] })).status, 201);
    for (const name of ['vmlinuz', 'initrd']) {
      const res = await s.api('DELETE', `/api/v1/artifacts/${name}`);
      assert.equal(res.status, 409);
      assert.deepEqual(Object.keys(res.body).sort(), ['error', 'message']);
      assert.equal(res.body.error, 'conflict');
    }
    assert.deepEqual((await s.api('GET', '/api/v1/artifacts/initrd')).body.usedBy, ['p1']);
    const missing = await s.api('DELETE', '/api/v1/artifacts/nothing-here');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'not_found');
    assert.equal((await s.api('GET', '/api/v1/artifacts/nothing-here')).status, 404);
  });

  const refused: Array<[string, string, string]> = [
    ['no kind', '/api/v1/artifacts/x', 'kind'],
    ['unknown kind', '/api/v1/artifacts/x?kind=firmware', 'kind'],
    ['unknown arch', '/api/v1/artifacts/x?kind=kernel&arch=mips', 'arch'],
    ['unknown query parameter', '/api/v1/artifacts/x?kind=kernel&path=/etc', 'path'],
    ['name with a dot-dot inside', '/api/v1/artifacts/a..b?kind=other', 'name'],
    ['encoded slash traversal', '/api/v1/artifacts/..%2F..%2Fescaped?kind=other', 'name'],
    ['encoded backslash', '/api/v1/artifacts/..%5Cescaped?kind=other', 'name'],
    ['absolute path', '/api/v1/artifacts/%2Ftmp%2Fescaped?kind=other', 'name'],
    ['leading dash', '/api/v1/artifacts/-x?kind=other', 'name'],
    ['space', '/api/v1/artifacts/a%20b?kind=other', 'name'],
    ['over 128 characters', `/api/v1/artifacts/${'a'.repeat(129)}?kind=other`, 'name'],
  ];
  for (const [name, url, field] of refused) {
    test(`PUT refused: ${name} → 400 naming ${field}, nothing stored`, async () => {
      const before = await blobFiles(s);
      const res = await s.api('PUT', url, 'payload-that-must-not-land');
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.field, field);
      assert.ok(['validation_failed', 'bad_request'].includes(res.body.error));
      assert.deepEqual(await blobFiles(s), before);
      assert.equal(await exists(path.join(s.dataDir, 'escaped')), false);
      assert.equal(await exists('/tmp/escaped'), false);
    });
  }

  test('a 128-character name (the longest allowed) uploads, serves and deletes', async () => {
    const name = 'n'.repeat(128);
    assert.equal((await s.api('PUT', `/api/v1/artifacts/${name}?kind=other`, 'long')).status, 201);
    assert.equal(await (await fetch(`${s.url}/artifacts/${name}`)).text(), 'long');
    assert.equal((await s.api('DELETE', `/api/v1/artifacts/${name}`)).status, 204);
  });

  test('a URL the router refuses (over-long parameter, bad %-encoding) still gets the JSON error shape', async () => {
    for (const url of [`/api/v1/artifacts/${'n'.repeat(300)}`, '/api/v1/artifacts/%zz', `/artifacts/${'n'.repeat(300)}`, '/artifacts/%E0%A4%A']) {
      const res = await s.api('GET', url);
      assert.equal(res.status, 400, url);
      assert.deepEqual(Object.keys(res.body).sort(), ['error', 'message']);
      assert.equal(res.body.error, 'bad_request');
    }
  });

  test('PUT to a dot-dot name sent as-is (curl --path-as-is) → 400 naming the name', async () => {
    for (const name of ['..', '%2e%2e', '.%2E']) {
      const { stdout } = await run('curl', ['-sS', '--path-as-is', '-X', 'PUT', '--data-binary', 'x', '-H', `Authorization: Bearer ${s.adminToken}`,
        '-w', '\n%{http_code}', `${s.url}/api/v1/artifacts/${name}?kind=other`]);
      const [body, status] = stdout.split('\n');
      assert.equal(status, '400', `${name}: ${body}`);
      assert.equal(JSON.parse(body!).field, 'name');
    }
  });

  test('an upload the client abandons midway leaves no artifact and no partial file', async () => {
    const before = await blobFiles(s);
    const { port } = new URL(s.url);
    const heads = [`Content-Length: ${4 << 20}`, 'Transfer-Encoding: chunked'];
    for (const framing of heads) {
      await new Promise<void>((resolve, reject) => {
        const sock = net.connect(Number(port), '127.0.0.1', () => {
          sock.write(`PUT /api/v1/artifacts/abandoned?kind=other HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${s.adminToken}\r\n${framing}\r\n\r\n`);
          const mib = Buffer.alloc(1 << 20, 3);
          sock.write(framing.startsWith('Transfer') ? Buffer.concat([Buffer.from('100000\r\n'), mib, Buffer.from('\r\n')]) : mib);
          setTimeout(() => { sock.destroy(); resolve(); }, 200);
        });
        sock.on('error', reject);
      });
    }
    for (let i = 0; i < 50 && (await blobFiles(s)).length !== before.length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await blobFiles(s), before);
    assert.equal((await s.api('GET', '/api/v1/artifacts/abandoned')).status, 404);
  });

  test('PUT without a body → 400', async () => {
    const res = await s.api('PUT', '/api/v1/artifacts/empty?kind=other', new Uint8Array(0));
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'bad_request');
    assert.equal((await s.api('GET', '/api/v1/artifacts/empty')).status, 404);
  });
});

describe('artifact upload size limit (artifactMaxBytes = 1 MiB)', () => {
  const LIMIT = 1024 * 1024;
  let s: TestServer;
  let tmp: string;
  before(async () => {
    s = await startTestServer({ artifactMaxBytes: LIMIT });
    tmp = await mkdtemp(path.join(os.tmpdir(), 'netboot-limit-'));
    await writeFile(path.join(tmp, 'over.bin'), Buffer.alloc(LIMIT + 1, 1));
    await writeFile(path.join(tmp, 'exact.bin'), Buffer.alloc(LIMIT, 2));
  });
  after(async () => {
    await s?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const auth = () => ['-H', `Authorization: Bearer ${s.adminToken}`];

  test('a declared Content-Length over the limit → 413 before reading the body', async () => {
    const { stdout } = await run('curl', ['-sS', '-T', path.join(tmp, 'over.bin'), ...auth(), '-w', '\n%{http_code}', `${s.url}/api/v1/artifacts/over?kind=other`]);
    const [body, status] = stdout.split('\n');
    assert.equal(status, '413');
    assert.equal(JSON.parse(body!).error, 'payload_too_large');
  });

  test('a chunked body that grows past the limit → 413; the same client connection stays usable', async () => {
    // curl sends the upload chunked, then reuses its connection for the next URL (--next).
    const { stdout } = await run('curl', ['-sS', '-T', path.join(tmp, 'over.bin'), '-H', 'Transfer-Encoding: chunked', ...auth(), '-w', '\n%{http_code}\n',
      `${s.url}/api/v1/artifacts/over?kind=other`, '--next', '-m', '10', ...auth(), '-w', '\n%{http_code}\n', `${s.url}/api/v1/whoami`]);
    const lines = stdout.trim().split('\n');
    assert.equal(lines[1], '413', stdout);
    assert.equal(JSON.parse(lines[0]!).error, 'payload_too_large');
    assert.equal(lines[3], '200', 'the next request is answered, not mistaken for the rest of the body');

    const stream = new ReadableStream<Uint8Array>({
      start(c) { for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(64 * 1024)); c.close(); },
    });
    const res = await fetch(`${s.url}/api/v1/artifacts/over?kind=other`, {
      method: 'PUT', body: stream, duplex: 'half', headers: { authorization: `Bearer ${s.adminToken}` },
    } as RequestInit & { duplex: 'half' });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: string }).error, 'payload_too_large');
    assert.equal((await s.api('GET', '/api/v1/whoami')).status, 200);
  });

  test('exactly the limit is accepted; nothing of the refused uploads is left behind', async () => {
    const { stdout } = await run('curl', ['-sS', '-T', path.join(tmp, 'exact.bin'), ...auth(), '-w', '\n%{http_code}', `${s.url}/api/v1/artifacts/exact?kind=other`]);
    assert.equal(stdout.split('\n')[1], '201');
    const list = (await s.api('GET', '/api/v1/artifacts')).body as Array<{ name: string }>;
    assert.deepEqual(list.map((a) => a.name), ['exact']);
    const digest = createHash('sha256').update(Buffer.alloc(LIMIT, 2)).digest('hex');
    assert.deepEqual(await blobFiles(s), [path.join('sha256', digest.slice(0, 2), digest)], 'no partial blob, no temporary file');
  });
});
