// Who may call the admin API: no token / a bad token → 401 on every route, a viewer reads but gets 403 on every
// write (and the write changes nothing), tokens are created, listed (never their values), hashed at rest and
// revoked. Plus what every route shares: the JSON error shape, malformed and oversized bodies, content types.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import path from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const MAC = '52:54:00:00:aa:01';

/** Every admin route with a body that would succeed for an admin (so a 403 is about the role, not the input). */
const WRITES: Array<[string, string, unknown]> = [
  ['PUT', '/api/v1/artifacts/new-kernel?kind=kernel', 'bytes'],
  ['DELETE', '/api/v1/artifacts/vmlinuz', undefined],
  ['POST', '/api/v1/profiles', { name: 'p2', kernel: 'vmlinuz', initramfs: 'initrd', containers: ['img true'] }],
  ['PUT', '/api/v1/profiles/p1', { kernel: 'vmlinuz', initramfs: 'initrd', containers: ['img changed'] }],
  ['DELETE', '/api/v1/profiles/unused', undefined],
  ['PUT', `/api/v1/machines/${MAC}`, { name: 'renamed' }],
  ['PUT', '/api/v1/machines/52:54:00:00:aa:02', { profile: 'p1' }],
  ['DELETE', `/api/v1/machines/${MAC}`, undefined],
  ['POST', '/api/v1/tokens', { name: 'sneaky', role: 'admin' }],
  ['DELETE', '/api/v1/tokens/viewer-1', undefined],
];

const READS = [
  '/api/v1/whoami', '/api/v1/info', '/api/v1/artifacts', '/api/v1/artifacts/vmlinuz', '/api/v1/profiles', '/api/v1/profiles/p1',
  '/api/v1/machines', `/api/v1/machines/${MAC}`, `/api/v1/machines/${MAC}/preview`, `/api/v1/machines/${MAC}/sessions`,
  `/api/v1/machines/${MAC}/events`,
];

const ALL_ROUTES: Array<[string, string, unknown]> = [...READS.map((p): [string, string, unknown] => ['GET', p, undefined]), ...WRITES,
  ['GET', '/api/v1/tokens', undefined], ['POST', '/api/v1/preview', { profile: { kernel: 'vmlinuz', initramfs: 'initrd', containers: ['img'] } }]];

describe('admin API authentication and roles', () => {
  let s: TestServer;
  let viewer: string;

  /** A snapshot of everything a write could change. */
  const state = async () => JSON.stringify(await Promise.all(['/api/v1/artifacts', '/api/v1/profiles', '/api/v1/machines', '/api/v1/tokens']
    .map(async (p) => (await s.api('GET', p)).body)));

  before(async () => {
    s = await startTestServer();
    for (const [name, kind] of [['vmlinuz', 'kernel'], ['initrd', 'initramfs']]) {
      assert.equal((await s.api('PUT', `/api/v1/artifacts/${name}?kind=${kind}`, `${name} bytes`)).status, 201);
    }
    for (const name of ['p1', 'unused']) {
      assert.equal((await s.api('POST', '/api/v1/profiles', { name, kernel: 'vmlinuz', initramfs: 'initrd', containers: ['img true'] })).status, 201);
    }
    assert.equal((await s.api('PUT', `/api/v1/machines/${MAC}`, { profile: 'p1' })).status, 201);
    const created = await s.api('POST', '/api/v1/tokens', { name: 'viewer-1', role: 'viewer' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.name, 'viewer-1');
    assert.equal(created.body.role, 'viewer');
    assert.match(created.body.token, /^\S{20,}$/);
    viewer = created.body.token;
  });
  after(() => s?.close());

  test('no token → 401 on every admin route', async () => {
    for (const [method, p, body] of ALL_ROUTES) {
      const res = await s.api(method, p, body, null);
      assert.equal(res.status, 401, `${method} ${p}`);
      assert.equal(res.body.error, 'unauthorized');
      assert.equal(typeof res.body.message, 'string');
    }
  });

  test('a bad token, or a malformed Authorization header → 401 on every admin route', async () => {
    for (const [method, p, body] of ALL_ROUTES) {
      assert.equal((await s.api(method, p, body, 'not-a-real-token-0123456789')).status, 401, `${method} ${p}`);
    }
    for (const header of [`Basic ${Buffer.from('admin:admin').toString('base64')}`, `Bearer`, `Bearer ${s.adminToken} extra`, `Token ${s.adminToken}`, s.adminToken]) {
      const res = await s.api('GET', '/api/v1/whoami', undefined, null, { authorization: header });
      assert.equal(res.status, 401, header);
    }
    assert.equal((await s.api('GET', '/api/v1/whoami', undefined, null, { authorization: `bearer ${s.adminToken}` })).status, 200, 'the scheme is case-insensitive');
  });

  test('a viewer reads everything it may', async () => {
    for (const p of READS) {
      const res = await s.api('GET', p, undefined, viewer);
      assert.equal(res.status, 200, `${p}: ${res.text}`);
    }
    assert.deepEqual((await s.api('GET', '/api/v1/whoami', undefined, viewer)).body, { name: 'viewer-1', role: 'viewer' });
    const preview = await s.api('POST', '/api/v1/preview', { profile: { kernel: 'vmlinuz', initramfs: 'initrd', containers: ['img true'] } }, viewer);
    assert.equal(preview.status, 200, 'a preview computes without writing');
  });

  test('a viewer gets 403 on every write, and nothing changes', async () => {
    const before = await state();
    for (const [method, p, body] of WRITES) {
      const res = await s.api(method, p, body, viewer);
      assert.equal(res.status, 403, `${method} ${p}: ${res.text}`);
      assert.equal(res.body.error, 'forbidden');
    }
    assert.equal((await s.api('GET', '/api/v1/tokens', undefined, viewer)).status, 403, 'token names are for admins');
    assert.equal(await state(), before);
    assert.equal((await fetch(`${s.url}/artifacts/vmlinuz`)).status, 200);
  });

  test('tokens: listed without values, unique names, hashed at rest, revocable', async () => {
    const list = (await s.api('GET', '/api/v1/tokens')).body as Array<Record<string, unknown>>;
    const v = list.find((t) => t.name === 'viewer-1');
    assert.equal(v?.role, 'viewer');
    assert.ok(list.every((t) => !('token' in t) && !('hash' in t) && !('tokenHash' in t)), JSON.stringify(list));
    assert.ok(!JSON.stringify(list).includes(viewer));
    assert.ok(v?.lastUsedAt, 'last use is recorded');

    const dup = await s.api('POST', '/api/v1/tokens', { name: 'viewer-1', role: 'viewer' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.field, 'name');
    for (const [body, field] of [[{ name: 'x', role: 'root' }, 'role'], [{ name: 'bad name', role: 'viewer' }, 'name'], [{ role: 'viewer' }, 'name'], [{ name: 'x', role: 'viewer', expires: 1 }, 'expires']] as const) {
      const res = await s.api('POST', '/api/v1/tokens', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.field, field);
    }

    const db = new Database(path.join(s.dataDir, 'netboot.sqlite'), { readonly: true });
    try {
      const dump = JSON.stringify(db.prepare('SELECT * FROM api_tokens').all());
      assert.ok(dump.includes('viewer-1'));
      assert.ok(!dump.includes(viewer), 'the token value is not stored');
    } finally {
      db.close();
    }

    const temp = (await s.api('POST', '/api/v1/tokens', { name: 'temp', role: 'admin' })).body.token as string;
    assert.equal((await s.api('GET', '/api/v1/whoami', undefined, temp)).body.role, 'admin');
    assert.equal((await s.api('DELETE', '/api/v1/tokens/temp')).status, 204);
    assert.equal((await s.api('GET', '/api/v1/whoami', undefined, temp)).status, 401, 'a deleted token stops working');
    assert.equal((await s.api('DELETE', '/api/v1/tokens/temp')).status, 404);
  });

  test('/api/v1/info says what this server offers', async () => {
    const info = (await s.api('GET', '/api/v1/info')).body;
    assert.equal(info.publicUrl, s.url);
    assert.equal(info.unknownMachines, 'retry');
    assert.deepEqual(info.kernelCmdlineLimits, { x86_64: 2047, arm64: 4095, riscv64: 1023 });
    assert.equal(typeof info.version, 'string');
    assert.equal(typeof info.features.s3, 'boolean');
  });
});

describe('request bodies and the error shape', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer({ jsonBodyLimit: 64 * 1024 }); });
  after(() => s?.close());

  const assertErrorShape = (body: Record<string, unknown>) => {
    assert.equal(typeof body.error, 'string');
    assert.match(body.error as string, /^[a-z_]+$/);
    assert.equal(typeof body.message, 'string');
    for (const key of Object.keys(body)) assert.ok(['error', 'message', 'field'].includes(key), `unexpected key ${key}`);
    if ('field' in body) assert.equal(typeof body.field, 'string');
    assert.ok(!JSON.stringify(body).includes('    at '), 'no stack trace');
  };

  test('malformed JSON → 400', async () => {
    for (const raw of ['{', '{"name": "x",}', 'nul', '{"name": "x"} trailing', '\u0000']) {
      const res = await s.api('POST', '/api/v1/profiles', raw, undefined, { 'content-type': 'application/json' });
      assert.equal(res.status, 400, raw);
      assertErrorShape(res.body);
    }
  });

  test('a JSON body over the limit → 413, with nothing created', async () => {
    const big = JSON.stringify({ name: 'huge', kernel: 'k', initramfs: 'i', containers: ['x'], description: 'd'.repeat(70 * 1024) });
    const res = await s.api('POST', '/api/v1/profiles', big, undefined, { 'content-type': 'application/json' });
    assert.equal(res.status, 413);
    assertErrorShape(res.body);
    assert.equal(res.body.error, 'payload_too_large');
    assert.equal((await s.api('GET', '/api/v1/profiles/huge')).status, 404);
    assert.equal((await s.api('GET', '/api/v1/whoami')).status, 200, 'the server carries on');
  });

  test('wrong content types are refused', async () => {
    const json = JSON.stringify({ name: 'typed', kernel: 'k', initramfs: 'i', containers: ['x'] });
    for (const type of ['application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'image/png']) {
      const res = await s.api('POST', '/api/v1/profiles', json, undefined, { 'content-type': type });
      assert.equal(res.status, 415, type);
      assert.equal(res.body.error, 'unsupported_media_type');
      assertErrorShape(res.body);
    }
    const text = await s.api('POST', '/api/v1/profiles', json, undefined, { 'content-type': 'text/plain' });
    assert.equal(text.status, 400, 'a text body is not an object');
    assertErrorShape(text.body);
    const none = await s.api('PUT', `/api/v1/machines/${MAC}`, undefined);
    assert.equal(none.status, 400);
    assertErrorShape(none.body);
    assert.equal((await s.api('GET', '/api/v1/profiles/typed')).status, 404);
  });

  test('unknown fields are refused, naming the field', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/v1/profiles', { name: 'x', kernel: 'k', initramfs: 'i', containers: [], colour: 'red' }, 'colour'],
      ['POST', '/api/v1/profiles', { name: 'x', kernel: 'k', initramfs: 'i', containers: [], b2c: { ntpPeer: 'a', turbo: true } }, 'b2c.turbo'],
      ['POST', '/api/v1/profiles', { name: 'x', kernel: 'k', initramfs: 'i', containers: [], volumes: [{ name: 'v', size: 1 }] }, 'volumes[0].size'],
      ['PUT', `/api/v1/machines/${MAC}`, { name: 'm', owner: 'me' }, 'owner'],
      ['POST', '/api/v1/preview', { profile: { kernel: 'k', initramfs: 'i', containers: [] }, dryRun: true }, 'dryRun'],
      ['POST', '/api/v1/tokens', { name: 't', role: 'viewer', scope: 'all' }, 'scope'],
    ];
    for (const [method, p, body, field] of cases) {
      const res = await s.api(method, p, body);
      assert.equal(res.status, 400, `${method} ${p}`);
      assert.equal(res.body.error, 'validation_failed');
      assert.equal(res.body.field, field);
      assertErrorShape(res.body);
    }
    assert.equal((await s.api('GET', `/api/v1/machines/${MAC}`)).status, 404, 'nothing was created');
  });

  test('unknown routes and methods → 404 in the same shape', async () => {
    for (const [method, p] of [['GET', '/api/v1/nothing'], ['DELETE', '/api/v1/profiles'], ['PATCH', '/api/v1/profiles/x'], ['GET', '/nothing']]) {
      const res = await s.api(method!, p!);
      assert.equal(res.status, 404, `${method} ${p}`);
      assert.equal(res.body.error, 'not_found');
      assertErrorShape(res.body);
    }
  });
});
