// Negative security cases against a real gateway and backend: each request is refused with the S3 error code
// a client expects, and the backend bucket is byte-for-byte what it was before.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { accessKeyForSession } from '../../server/src/domain/credentials.ts';
import { BUCKET, type S3Fixture, type TestSession, startS3Fixture } from '../helpers/s3-fixture.ts';
import { type RawRequest, type RawResponse, chunkedUpload, send, signedHeaders, signedRequest } from '../helpers/s3-raw.ts';

const MIN = 60_000;

describe('S3 gateway refuses', { timeout: 120_000 }, () => {
  let f: S3Fixture;
  let me: TestSession;
  let victim: TestSession;
  let snapshot: Map<string, string>;

  const creds = (s: TestSession) => ({ accessKey: s.accessKey, secretKey: s.secretKey });
  const mine = (k: string) => `/${BUCKET}/${me.prefix}${k}`;
  const theirs = (k: string) => `/${BUCKET}/${victim.prefix}${k}`;
  const req = (r: Omit<RawRequest, 'port'>) => signedRequest({ port: f.gatewayPort, creds: creds(me), ...r });

  async function backendState(): Promise<Map<string, string>> {
    const state = new Map<string, string>();
    for (const k of await f.backendKeys()) state.set(k, createHash('sha256').update(await f.backendGet(k)).digest('hex'));
    return state;
  }

  async function refused(res: RawResponse | Promise<RawResponse>, code: string, status?: number): Promise<void> {
    const r = await res;
    assert.equal(r.code, code, `want ${code}, got ${r.status} ${r.body.slice(0, 300)}`);
    if (status) assert.equal(r.status, status);
    assert.deepEqual(await backendState(), snapshot, 'backend changed');
  }

  before(async () => {
    f = await startS3Fixture({ bindToClientIp: true });
    me = f.newSession('52:54:00:aa:00:01');
    victim = f.newSession('52:54:00:bb:00:02');
    for (const [s, key] of [[me, 'vol/own.txt'], [victim, 'vol/secret.txt']] as const) {
      const r = await signedRequest({ port: f.gatewayPort, creds: creds(s), method: 'PUT', path: `/${BUCKET}/${s.prefix}${key}`, body: `data of ${s.mac}` });
      assert.equal(r.status, 200, r.body);
    }
  });
  beforeEach(async () => { snapshot = await backendState(); });
  after(async () => { await f?.close(); });

  test('sanity: my own request succeeds', async () => {
    const r = await req({ method: 'GET', path: mine('vol/own.txt') });
    assert.equal(r.status, 200);
    assert.equal(r.body, `data of ${me.mac}`);
  });

  // --- credentials and signatures
  test('wrong secret', () => refused(req({ method: 'PUT', path: mine('x'), body: 'x', creds: { ...creds(me), secretKey: 'f'.repeat(40) } }), 'SignatureDoesNotMatch', 403));
  test('unknown access key of our shape', () => refused(req({ method: 'PUT', path: mine('x'), body: 'x', creds: { accessKey: accessKeyForSession('0'.repeat(18)), secretKey: me.secretKey } }), 'InvalidAccessKeyId', 403));
  test('foreign access key', () => refused(req({ method: 'GET', path: mine('vol/own.txt'), creds: { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: me.secretKey } }), 'InvalidAccessKeyId'));
  test("another session's secret with my key", () => refused(req({ method: 'GET', path: mine('vol/own.txt'), creds: { accessKey: me.accessKey, secretKey: victim.secretKey } }), 'SignatureDoesNotMatch'));
  test('anonymous request', () => refused(send(f.gatewayPort, 'PUT', mine('x'), { 'content-length': '1' }, 'x'), 'AccessDenied', 403));
  test('signature version 2', () => refused(send(f.gatewayPort, 'GET', mine('vol/own.txt'), { authorization: `AWS ${me.accessKey}:c2lnbmF0dXJl`, date: new Date().toUTCString() }), 'AuthorizationHeaderMalformed', 400));
  test('clock 20 minutes fast', () => refused(req({ method: 'PUT', path: mine('x'), body: 'x', nowMs: Date.now() + 20 * MIN }), 'RequestTimeTooSkewed', 403));
  test('clock 20 minutes slow', () => refused(req({ method: 'GET', path: mine('vol/own.txt'), nowMs: Date.now() - 20 * MIN }), 'RequestTimeTooSkewed', 403));
  test('wrong region in the scope', () => refused(req({ method: 'GET', path: mine('vol/own.txt'), region: 'eu-west-1' }), 'AuthorizationHeaderMalformed'));
  test('body that does not match the signed sha256', async () => {
    const { url, headers } = signedHeaders({ port: f.gatewayPort, creds: creds(me), method: 'PUT', path: mine('vol/own.txt'), body: 'original' });
    await refused(send(f.gatewayPort, 'PUT', url, headers, 'tampered'), 'XAmzContentSHA256Mismatch', 400);
  });
  test('a header swapped after signing (x-amz-meta)', async () => {
    const { url, headers } = signedHeaders({ port: f.gatewayPort, creds: creds(me), method: 'PUT', path: mine('x'), body: 'x', headers: { 'x-amz-meta-a': '1' } });
    await refused(send(f.gatewayPort, 'PUT', url, { ...headers, 'x-amz-meta-a': '2' }, 'x'), 'SignatureDoesNotMatch');
  });
  test('an unsigned x-amz-copy-source', () => refused(req({ method: 'PUT', path: mine('copy'), unsignedHeaders: { 'x-amz-copy-source': `/${BUCKET}/${me.prefix}vol/own.txt` } }), 'AccessDenied'));

  // --- sessions
  test('expired session', async () => {
    const old = f.newSession('52:54:00:aa:00:01', { createdAt: new Date(Date.now() - 2 * 3600_000) });
    await refused(req({ method: 'GET', path: mine('vol/own.txt'), creds: creds(old) }), 'InvalidAccessKeyId');
  });
  test('ended session (a new boot ended it)', async () => {
    const s = f.newSession('52:54:00:aa:00:01');
    f.endSession(s);
    await refused(req({ method: 'PUT', path: mine('x'), body: 'x', creds: creds(s) }), 'InvalidAccessKeyId');
  });
  test('replay of a signed request after the session ended', async () => {
    const s = f.newSession('52:54:00:aa:00:01');
    const { url, headers } = signedHeaders({ port: f.gatewayPort, creds: creds(s), method: 'DELETE', path: mine('vol/own.txt') });
    f.endSession(s);
    await refused(send(f.gatewayPort, 'DELETE', url, headers), 'InvalidAccessKeyId');
  });
  test('request from another client IP when bound', async () => {
    const bound = f.newSession('52:54:00:aa:00:01', { clientIp: '10.99.0.7' });
    await refused(req({ method: 'GET', path: mine('vol/own.txt'), creds: creds(bound) }), 'AccessDenied', 403);
  });

  // --- presigned URLs
  const presigned = (path: string, expires: string, nowMs = Date.now(), tamperPath?: string) => {
    const amz = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const query: Array<[string, string]> = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['X-Amz-Credential', `${me.accessKey}/${amz.slice(0, 8)}/us-east-1/s3/aws4_request`],
      ['X-Amz-Date', amz], ['X-Amz-Expires', expires], ['X-Amz-SignedHeaders', 'host'],
    ];
    return import('../../server/src/domain/sigv4.ts').then((v4) => {
      const scope = { accessKey: me.accessKey, date: amz.slice(0, 8), region: 'us-east-1', service: 's3' };
      const canonical = v4.canonicalRequest({ method: 'GET', decodedPath: path, query, headers: { host: [`127.0.0.1:${f.gatewayPort}`] }, signedHeaders: ['host'], payloadHash: 'UNSIGNED-PAYLOAD' });
      const sig = v4.signature(v4.signingKey(me.secretKey, scope), v4.stringToSign(amz, scope, canonical));
      const qs = v4.canonicalQueryString([...query, ['X-Amz-Signature', sig]]);
      return send(f.gatewayPort, 'GET', `${v4.canonicalUri(tamperPath ?? path)}?${qs}`, {});
    });
  };
  test('sanity: a presigned GET of my own key works', async () => {
    const r = await presigned(mine('vol/own.txt'), '60');
    assert.equal(r.status, 200, r.body);
  });
  test('expired presigned URL', () => refused(presigned(mine('vol/own.txt'), '60', Date.now() - 5 * MIN), 'AccessDenied', 403));
  test('presigned URL with a negative X-Amz-Expires', () => refused(presigned(mine('vol/own.txt'), '-1'), 'AuthorizationQueryParametersError', 400));
  test('presigned URL with X-Amz-Expires over a week', () => refused(presigned(mine('vol/own.txt'), '604801'), 'AuthorizationQueryParametersError'));
  test("presigned URL re-pointed at another machine's key", () => refused(presigned(mine('vol/own.txt'), '60', Date.now(), theirs('vol/secret.txt')), 'SignatureDoesNotMatch'));

  // --- authorisation: another machine's prefix and the bucket itself
  test("GET another machine's object", () => refused(req({ method: 'GET', path: theirs('vol/secret.txt') }), 'AccessDenied', 403));
  test("HEAD another machine's object", async () => {
    const r = await req({ method: 'HEAD', path: theirs('vol/secret.txt') });
    assert.equal(r.status, 403);
  });
  test("PUT over another machine's object", () => refused(req({ method: 'PUT', path: theirs('vol/secret.txt'), body: 'pwned' }), 'AccessDenied'));
  test("DELETE another machine's object", () => refused(req({ method: 'DELETE', path: theirs('vol/secret.txt') }), 'AccessDenied'));
  test('PUT outside machines/', () => refused(req({ method: 'PUT', path: `/${BUCKET}/top-level.txt`, body: 'x' }), 'AccessDenied'));
  test('dot-dot segments out of my prefix', () => refused(req({ method: 'PUT', path: mine(`../${victim.macHex}/vol/secret.txt`), body: 'x' }), 'AccessDenied'));
  test("list another machine's prefix", () => refused(req({ method: 'GET', path: `/${BUCKET}`, query: [['list-type', '2'], ['prefix', victim.prefix]] }), 'AccessDenied'));
  test("a repeated prefix hiding another machine's", () => refused(req({ method: 'GET', path: `/${BUCKET}`, query: [['list-type', '2'], ['prefix', victim.prefix], ['prefix', me.prefix]] }), 'AccessDenied'));
  test('list the bucket without a prefix', () => refused(req({ method: 'GET', path: `/${BUCKET}`, query: [['list-type', '2']] }), 'AccessDenied'));
  test('list machines/', () => refused(req({ method: 'GET', path: `/${BUCKET}`, query: [['prefix', 'machines/']] }), 'AccessDenied'));
  test('list buckets', () => refused(req({ method: 'GET', path: '/' }), 'AccessDenied', 403));
  test('another bucket (what mcli probes)', () => refused(req({ method: 'GET', path: '/some-other-bucket', query: [['location', '']] }), 'NoSuchBucket', 404));
  test('create the bucket', () => refused(req({ method: 'PUT', path: `/${BUCKET}` }), 'AccessDenied'));
  test('delete the bucket', () => refused(req({ method: 'DELETE', path: `/${BUCKET}` }), 'AccessDenied'));
  test('set a bucket policy', () => refused(req({ method: 'PUT', path: `/${BUCKET}`, query: [['policy', '']], body: '{}' }), 'AccessDenied'));
  test('set an object ACL on my own key', () => refused(req({ method: 'PUT', path: mine('vol/own.txt'), query: [['acl', '']], headers: { 'x-amz-acl': 'public-read' } }), 'AccessDenied'));
  test('batch delete with one foreign key', async () => {
    const xml = `<Delete><Object><Key>${me.prefix}vol/own.txt</Key></Object><Object><Key>${victim.prefix}vol/secret.txt</Key></Object></Delete>`;
    await refused(req({ method: 'POST', path: `/${BUCKET}`, query: [['delete', '']], body: xml, headers: { 'content-md5': createHash('md5').update(xml).digest('base64') } }), 'AccessDenied');
  });
  test('batch delete hiding a foreign key in a comment', async () => {
    const xml = `<Delete><Object><Key>${me.prefix}vol/own.txt</Key></Object><!-- --><Object><Key>${victim.prefix}vol/secret.txt</Key></Object></Delete>`;
    await refused(req({ method: 'POST', path: `/${BUCKET}`, query: [['delete', '']], body: xml }), 'MalformedXML');
  });
  test("multipart upload to another machine's key", () => refused(req({ method: 'POST', path: theirs('vol/mp.bin'), query: [['uploads', '']] }), 'AccessDenied'));
  test("upload a part to another machine's key", () => refused(req({ method: 'PUT', path: theirs('vol/mp.bin'), query: [['partNumber', '1'], ['uploadId', 'x']], body: 'x' }), 'AccessDenied'));
  test("complete a multipart upload on another machine's key", () => refused(req({ method: 'POST', path: theirs('vol/mp.bin'), query: [['uploadId', 'x']], body: '<CompleteMultipartUpload/>' }), 'AccessDenied'));
  test('list multipart uploads without my prefix', () => refused(req({ method: 'GET', path: `/${BUCKET}`, query: [['uploads', '']] }), 'AccessDenied'));
  test("copy from another machine's object", () => refused(req({ method: 'PUT', path: mine('stolen.txt'), headers: { 'x-amz-copy-source': `/${BUCKET}/${victim.prefix}vol/secret.txt` } }), 'AccessDenied'));
  test('copy from another bucket', () => refused(req({ method: 'PUT', path: mine('stolen.txt'), headers: { 'x-amz-copy-source': `other/${me.prefix}vol/own.txt` } }), 'AccessDenied'));
  test("upload-part-copy from another machine's object", () => refused(req({ method: 'PUT', path: mine('mp.bin'), query: [['partNumber', '1'], ['uploadId', 'x']], headers: { 'x-amz-copy-source': encodeURIComponent(`${BUCKET}/${victim.prefix}vol/secret.txt`) } }), 'AccessDenied'));

  // --- streaming uploads: nothing partial may be left behind
  const streamed = (u: ReturnType<typeof chunkedUpload>) => send(f.gatewayPort, 'PUT', u.url, u.headers, u.body);
  test('sanity: a signed aws-chunked upload with a crc32c trailer is stored decoded', async () => {
    const data = randomBytes(200_000);
    const { crc32c } = await import('../../server/src/s3/checksum.ts');
    const b = Buffer.alloc(4);
    b.writeUInt32BE(crc32c(data));
    const r = await streamed(chunkedUpload({ port: f.gatewayPort, path: mine('chunked-ok.bin'), creds: creds(me), data, chunkSize: 65536, trailer: { name: 'x-amz-checksum-crc32c', value: b.toString('base64') } }));
    assert.equal(r.status, 200, r.body);
    assert.ok((await f.backendGet(`${me.prefix}chunked-ok.bin`)).equals(data));
  });
  test('a tampered chunk signature mid-upload', () => refused(streamed(chunkedUpload({
    port: f.gatewayPort, path: mine('tampered.bin'), creds: creds(me), data: randomBytes(300_000), chunkSize: 65536,
    tamper: (c) => { c[2].sig = c[2].sig.replace(/^./, (x) => (x === '0' ? '1' : '0')); },
  })), 'SignatureDoesNotMatch'));
  test('a tampered chunk over an existing object keeps the old object', () => refused(streamed(chunkedUpload({
    port: f.gatewayPort, path: mine('vol/own.txt'), creds: creds(me), data: randomBytes(300_000), chunkSize: 65536,
    tamper: (c) => { c[4].sig = c[3].sig; },
  })), 'SignatureDoesNotMatch'));
  test('tampered chunk data (signature of the original)', () => refused(streamed(chunkedUpload({
    port: f.gatewayPort, path: mine('tampered.bin'), creds: creds(me), data: randomBytes(300_000), chunkSize: 65536,
    tamper: (c) => { c[3].data = Buffer.from(c[3].data); c[3].data[100] ^= 1; },
  })), 'SignatureDoesNotMatch'));
  test('a tampered final (zero-length) chunk signature', () => refused(streamed(chunkedUpload({
    port: f.gatewayPort, path: mine('tampered.bin'), creds: creds(me), data: randomBytes(100_000), chunkSize: 65536,
    tamper: (c) => { c[c.length - 1].sig = 'a'.repeat(64); },
  })), 'SignatureDoesNotMatch'));
  test('chunks reordered', () => refused(streamed(chunkedUpload({
    port: f.gatewayPort, path: mine('tampered.bin'), creds: creds(me), data: randomBytes(200_000), chunkSize: 65536,
    tamper: (c) => { [c[0], c[1]] = [c[1], c[0]]; },
  })), 'SignatureDoesNotMatch'));
  test('a wrong trailing checksum', () => refused(streamed(chunkedUpload({
    port: f.gatewayPort, path: mine('badsum.bin'), creds: creds(me), data: randomBytes(100_000), chunkSize: 65536,
    trailer: { name: 'x-amz-checksum-crc32c', value: 'AAAAAA==' },
  })), 'BadDigest'));
  test('chunks carrying less than the signed x-amz-decoded-content-length', () => refused(streamed(chunkedUpload({
    port: f.gatewayPort, path: mine('short.bin'), creds: creds(me), data: randomBytes(100_000), chunkSize: 65536, decodedLength: 100_001,
  })), 'IncompleteBody'));
  test('chunks carrying more than the signed x-amz-decoded-content-length', () => refused(streamed(chunkedUpload({
    port: f.gatewayPort, path: mine('long.bin'), creds: creds(me), data: randomBytes(100_000), chunkSize: 65536, decodedLength: 99_999,
  })), 'IncompleteBody'));
  test('an unsigned-trailer upload with a wrong crc32', async () => {
    const data = randomBytes(50_000);
    const body = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n')]);
    const good = Buffer.alloc(4);
    good.writeUInt32BE(crc32(data));
    assert.notEqual(good.toString('base64'), 'AAAAAA==');
    await refused(req({
      method: 'PUT', path: mine('unsigned-trailer.bin'), body, payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'x-amz-trailer': 'x-amz-checksum-crc32' },
    }), 'BadDigest');
  });

  test('denials are counted in the s3 events of the machine', async () => {
    await new Promise((r) => setTimeout(r, 400));
    const denials = f.events.filter((e) => e.type === 's3' && e.mac === me.mac).reduce((n, e) => n + Number(e.detail?.denials ?? 0), 0);
    assert.ok(denials >= 30, `denials ${denials}`);
  });
});

describe('S3 gateway slows down an IP that keeps getting refused', { timeout: 60_000 }, () => {
  test('after the burst of refusals even a valid request gets SlowDown, and the budget comes back', async () => {
    let now = Date.now();
    const f = await startS3Fixture({ denialLimits: { burst: 3, perMinute: 60, now: () => now } });
    try {
      const s = f.newSession('52:54:00:aa:00:09');
      const good = () => signedRequest({ port: f.gatewayPort, creds: { accessKey: s.accessKey, secretKey: s.secretKey }, method: 'PUT', path: `/${BUCKET}/${s.prefix}x`, body: 'x' });
      const bad = () => signedRequest({ port: f.gatewayPort, creds: { accessKey: s.accessKey, secretKey: 'f'.repeat(40) }, method: 'GET', path: `/${BUCKET}/${s.prefix}x` });
      for (let i = 0; i < 3; i++) assert.equal((await bad()).code, 'SignatureDoesNotMatch');
      const slowed = await good();
      assert.equal(slowed.code, 'SlowDown');
      assert.equal(slowed.status, 503);
      assert.deepEqual(await f.backendKeys(), []);
      now += 2_000; // two refusals regained at 60/min
      assert.equal((await good()).status, 200);
    } finally {
      await f.close();
    }
  });
});
