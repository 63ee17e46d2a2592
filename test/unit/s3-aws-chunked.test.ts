// aws-chunked decoding: the pure parser at every split point, and the verifying stream end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsChunkedParser } from '../../server/src/domain/aws-chunked.ts';
import { type CredentialScope, EMPTY_SHA256, chunkStringToSign, sha256Hex, signature, signingKey } from '../../server/src/domain/sigv4.ts';
import { AwsChunkedDecodeStream, PayloadVerifyStream } from '../../server/src/s3/body-streams.ts';
import { createChecksum, crc32c } from '../../server/src/s3/checksum.ts';
import { S3Error } from '../../server/src/s3/s3-error.ts';

const unsignedBody = (data: Buffer, chunk: number, trailer: string) => {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) {
    const c = data.subarray(i, i + chunk);
    parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`0\r\n${trailer}\r\n\r\n`));
  return Buffer.concat(parts);
};

test('parser yields the same bytes whatever the split point', () => {
  const data = randomBytes(300);
  const body = unsignedBody(data, 128, 'x-amz-checksum-crc32:AAAAAA==');
  for (let split = 1; split < body.length; split++) {
    const p = new AwsChunkedParser(1024);
    const events = [body.subarray(0, split), body.subarray(split)].flatMap((b) => {
      const r = p.push(b);
      assert.ok(r.ok, `split ${split}`);
      return r.events;
    });
    const out = Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.bytes] : [])));
    assert.ok(out.equals(data), `split ${split}`);
    assert.deepEqual(events.filter((e) => e.type === 'trailer'), [{ type: 'trailer', name: 'x-amz-checksum-crc32', value: 'AAAAAA==' }]);
    assert.ok(p.done);
  }
});

test('parser refuses malformed framing', () => {
  for (const [name, body] of [
    ['no CRLF after data', '3\r\nabcX\r\n'],
    ['bad size', 'zz\r\nabc\r\n'],
    ['bare LF', '3\nabc\r\n'],
    ['oversized chunk', '100000\r\n'],
    ['data after the end', '0\r\n\r\nextra'],
    ['bad signature field', '3;chunk-signature=xyz\r\nabc\r\n'],
  ] as const) {
    const r = new AwsChunkedParser(1024).push(Buffer.from(body));
    assert.equal(r.ok, false, name);
  }
});

test('checksums: crc32c check value and the AWS trailer example', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  const c = createChecksum('crc32c');
  c.update(Buffer.alloc(65536, 'a'));
  c.update(Buffer.alloc(1024, 'a'));
  assert.equal(c.digestBase64(), 'sOO8/Q==');
  const s = createChecksum('sha256');
  s.update(Buffer.from('abc'));
  assert.equal(Buffer.from(s.digestBase64(), 'base64').toString('hex'), sha256Hex('abc'));
});

async function run(stream: NodeJS.ReadWriteStream, input: Buffer, pieces = 7): Promise<{ out: Buffer; err: unknown }> {
  const out: Buffer[] = [];
  const size = Math.ceil(input.length / pieces);
  const chunks = Array.from({ length: pieces }, (_, i) => input.subarray(i * size, (i + 1) * size));
  try {
    await pipeline(Readable.from(chunks), stream, new Writable({ write(c, _e, cb) { out.push(c); cb(); } }));
    return { out: Buffer.concat(out), err: null };
  } catch (err) {
    return { out: Buffer.concat(out), err };
  }
}

test('decode stream: unsigned trailer, good and bad crc32c; nothing is released before verification', async () => {
  const data = randomBytes(10_000);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32c(data));
  const good = await run(new AwsChunkedDecodeStream({ signing: null, trailer: 'x-amz-checksum-crc32c', decodedLength: data.length, maxChunk: 4096 }),
    unsignedBody(data, 4000, `x-amz-checksum-crc32c:${sum.toString('base64')}`));
  assert.equal(good.err, null);
  assert.ok(good.out.equals(data));
  const bad = await run(new AwsChunkedDecodeStream({ signing: null, trailer: 'x-amz-checksum-crc32c', decodedLength: data.length, maxChunk: 4096 }),
    unsignedBody(data, 4000, 'x-amz-checksum-crc32c:AAAAAA=='));
  assert.equal((bad.err as S3Error).code, 'BadDigest');
  assert.ok(bad.out.length < data.length, 'the last piece is held back');
});

test('decode stream: signed chunks, a tampered one fails before its data is released', async () => {
  const scope: CredentialScope = { accessKey: 'AK', date: '20130524', region: 'us-east-1', service: 's3' };
  const key = signingKey('secret', scope);
  const amzDate = '20130524T000000Z';
  const seed = 'a'.repeat(64);
  const data = randomBytes(9000);
  const build = (tamperAt: number | null) => {
    let prev = seed;
    const parts: Buffer[] = [];
    for (let i = 0, n = 0; i <= data.length; i += 3000, n++) {
      const c = data.subarray(i, i + 3000);
      prev = signature(key, chunkStringToSign(amzDate, scope, prev, c.length ? sha256Hex(c) : EMPTY_SHA256));
      const sig = n === tamperAt ? prev.replace(/^./, prev[0] === 'f' ? 'e' : 'f') : prev;
      parts.push(Buffer.from(`${c.length.toString(16)};chunk-signature=${sig}\r\n`), c, Buffer.from('\r\n'));
    }
    return Buffer.concat(parts);
  };
  const mk = () => new AwsChunkedDecodeStream({ signing: { signingKey: key, amzDate, scope, seedSignature: seed }, trailer: null, decodedLength: data.length, maxChunk: 4096 });
  const ok = await run(mk(), build(null));
  assert.equal(ok.err, null);
  assert.ok(ok.out.equals(data));
  const bad = await run(mk(), build(1));
  assert.equal((bad.err as S3Error).code, 'SignatureDoesNotMatch');
  assert.ok(bad.out.length <= 3000, `released ${bad.out.length}`);
  const incomplete = await run(mk(), build(null).subarray(0, 5000));
  assert.equal((incomplete.err as S3Error).code, 'IncompleteBody');
});

test('payload stream: sha256 mismatch and x-amz-checksum header mismatch', async () => {
  const data = randomBytes(5000);
  assert.equal((await run(new PayloadVerifyStream(sha256Hex(data), null), data)).err, null);
  const bad = await run(new PayloadVerifyStream(sha256Hex('other'), null), data);
  assert.equal((bad.err as S3Error).code, 'XAmzContentSHA256Mismatch');
  assert.ok(bad.out.length < data.length);
  const sum = await run(new PayloadVerifyStream(null, { algorithm: 'sha1', base64: 'AAAA' }), data);
  assert.equal((sum.err as S3Error).code, 'BadDigest');
});
