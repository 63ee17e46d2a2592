// The volumes admin API and the gateway, wired into the real server by main.ts: seed a volume from a tar stream,
// pull and push through the gateway with a boot session's credentials, back up, restore, wipe.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as Minio from 'minio';
import { accessKeyForSession, deriveSecretKey } from '../../server/src/domain/credentials.ts';
import { newSessionId } from '../../server/src/store/sessions.ts';
import { freeTcpPort } from '../helpers/ports.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { tarOf, untar } from '../helpers/tar.ts';

const MAC = '52:54:00:12:34:56';
const HEX = '525400123456';
const MASTER_KEY = randomBytes(32).toString('hex');

describe('volumes API and gateway in the real server', { timeout: 120_000 }, () => {
  let srv: TestServer;
  let s3Port: number;
  const big = randomBytes(3 * 1024 * 1024 + 11);

  before(async () => {
    s3Port = await freeTcpPort();
    srv = await startTestServer({ s3Port, masterKey: MASTER_KEY, s3Bucket: 'netboot-test' });
    assert.equal(srv.netboot.s3Port, s3Port);
    const r = await srv.api('PUT', `/api/v1/machines/${MAC}`, {});
    assert.ok(r.status < 300, r.text);
  });
  after(async () => { await srv?.close(); });

  const raw = async (method: string, path: string, body?: Buffer) => {
    const res = await fetch(srv.url + path, { method, headers: { authorization: `Bearer ${srv.adminToken}`, 'content-type': 'application/x-tar' }, body: body ? new Uint8Array(body) : undefined });
    return { status: res.status, buf: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') };
  };

  test('seed a volume from a tar stream', async () => {
    const r = await raw('PUT', `/api/v1/machines/${MAC}/volumes/data/archive`, await tarOf({ 'seed.txt': 'seeded by the admin\n', 'dir/big.bin': big }));
    assert.equal(r.status, 200, r.buf.toString());
    assert.deepEqual(JSON.parse(r.buf.toString()), { objects: 2, bytes: 20 + big.length, removed: 0 });
    const list = await srv.api('GET', `/api/v1/machines/${MAC}/volumes`);
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 1);
    assert.deepEqual({ ...list.body[0], lastPush: typeof list.body[0].lastPush }, { name: 'data', objects: 2, bytes: 20 + big.length, lastPush: 'string' });
    const objects = await srv.api('GET', `/api/v1/machines/${MAC}/volumes/data/objects`);
    assert.deepEqual(objects.body.map((o: { path: string }) => o.path).sort(), ['dir/big.bin', 'seed.txt']);
  });

  test("a boot session's credentials pull the seed and push a new file through the gateway", async () => {
    const id = newSessionId();
    srv.netboot.stores.sessions.create(id, {
      mac: MAC, profile: 'p', clientIp: '127.0.0.1', kernelCmdline: '', extraArgs: '', tokenHash: randomBytes(16).toString('hex'),
      expiresAt: new Date(Date.now() + 3600_000), maxReads: 1, bindIp: false,
    });
    const accessKey = accessKeyForSession(id);
    const c = new Minio.Client({ endPoint: '127.0.0.1', port: s3Port, useSSL: false, accessKey, secretKey: deriveSecretKey(Buffer.from(MASTER_KEY, 'hex'), accessKey), region: 'us-east-1', pathStyle: true });
    const parts: Buffer[] = [];
    for await (const chunk of await c.getObject('netboot-test', `machines/${HEX}/data/seed.txt`)) parts.push(chunk as Buffer);
    assert.equal(Buffer.concat(parts).toString(), 'seeded by the admin\n');
    await c.putObject('netboot-test', `machines/${HEX}/data/result.txt`, Buffer.from('written by the machine\n'));
    await assert.rejects(c.putObject('netboot-test', 'machines/525400999999/data/x', Buffer.from('x')), (e: { code?: string }) => e.code === 'AccessDenied');
  });

  test('the archive (backup) holds the seed and the pushed file, byte-identical', async () => {
    const r = await raw('GET', `/api/v1/machines/${MAC}/volumes/data/archive`);
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/x-tar');
    const files = await untar(r.buf);
    assert.deepEqual(Object.keys(files).sort(), ['dir/big.bin', 'result.txt', 'seed.txt']);
    assert.ok(files['dir/big.bin'].equals(big));
    assert.equal(files['result.txt'].toString(), 'written by the machine\n');
  });

  test('restore makes the volume hold exactly the archive', async () => {
    const r = await raw('PUT', `/api/v1/machines/${MAC}/volumes/data/archive`, await tarOf({ 'only.txt': 'just me' }));
    assert.deepEqual(JSON.parse(r.buf.toString()), { objects: 1, bytes: 7, removed: 3 });
    const objects = await srv.api('GET', `/api/v1/machines/${MAC}/volumes/data/objects`);
    assert.deepEqual(objects.body.map((o: { path: string }) => o.path), ['only.txt']);
  });

  test('refusals: unsafe entry, not a tar, bad names, unknown machine, empty volume', async () => {
    const evil = await tarOf({}, (p) => p.entry({ name: '../../525400999999/data/x' }, 'x'));
    assert.equal((await raw('PUT', `/api/v1/machines/${MAC}/volumes/data/archive`, evil)).status, 400);
    const link = await tarOf({}, (p) => p.entry({ name: 'l', type: 'symlink', linkname: '/etc/passwd' }));
    assert.equal((await raw('PUT', `/api/v1/machines/${MAC}/volumes/data/archive`, link)).status, 400);
    assert.equal((await raw('PUT', `/api/v1/machines/${MAC}/volumes/data/archive`, randomBytes(3000))).status, 400);
    assert.deepEqual((await srv.api('GET', `/api/v1/machines/${MAC}/volumes/data/objects`)).body.map((o: { path: string }) => o.path), ['only.txt']);
    assert.equal((await srv.api('GET', `/api/v1/machines/${MAC}/volumes/..%2Fx/objects`)).status, 400);
    assert.equal((await srv.api('GET', '/api/v1/machines/not-a-mac/volumes')).status, 400);
    assert.equal((await srv.api('GET', '/api/v1/machines/52:54:00:00:00:99/volumes')).status, 404);
    assert.equal((await raw('GET', `/api/v1/machines/${MAC}/volumes/nothing/archive`)).status, 404);
    assert.equal((await srv.api('GET', `/api/v1/machines/${MAC}/volumes`, undefined, null)).status, 401);
  });

  test('wipe', async () => {
    const r = await srv.api('DELETE', `/api/v1/machines/${MAC}/volumes/data`);
    assert.deepEqual(r.body, { removed: 1 });
    assert.deepEqual((await srv.api('GET', `/api/v1/machines/${MAC}/volumes`)).body, []);
  });
});
