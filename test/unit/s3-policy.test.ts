// The gateway's authorisation table: each S3 operation on the machine's own prefix, and the refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, authorizeDeleteKeys, keyAllowed, parseCopySource } from '../../server/src/domain/s3-policy.ts';

const ctx = { bucket: 'netboot', macHex: '525400123456' };
const own = 'machines/525400123456/vol/';
type Row = { name: string; method: string; bucket?: string; key?: string | null; query?: Array<[string, string]>; copy?: string; want: string };

const rows: Row[] = [
  { name: 'get object', method: 'GET', key: `${own}a`, want: 'GetObject' },
  { name: 'head object', method: 'HEAD', key: `${own}a`, want: 'HeadObject' },
  { name: 'put object', method: 'PUT', key: `${own}a`, want: 'PutObject' },
  { name: 'delete object', method: 'DELETE', key: `${own}a`, want: 'DeleteObject' },
  { name: 'copy object', method: 'PUT', key: `${own}b`, copy: `/netboot/${own}a`, want: 'CopyObject' },
  { name: 'copy, no leading slash, encoded', method: 'PUT', key: `${own}b`, copy: `netboot/${encodeURIComponent(own + 'a b')}?versionId=1`, want: 'CopyObject' },
  { name: 'create multipart', method: 'POST', key: `${own}a`, query: [['uploads', '']], want: 'CreateMultipartUpload' },
  { name: 'upload part', method: 'PUT', key: `${own}a`, query: [['partNumber', '1'], ['uploadId', 'u']], want: 'UploadPart' },
  { name: 'upload part copy', method: 'PUT', key: `${own}a`, query: [['partNumber', '1'], ['uploadId', 'u']], copy: `/netboot/${own}b`, want: 'UploadPartCopy' },
  { name: 'complete multipart', method: 'POST', key: `${own}a`, query: [['uploadId', 'u']], want: 'CompleteMultipartUpload' },
  { name: 'abort multipart', method: 'DELETE', key: `${own}a`, query: [['uploadId', 'u']], want: 'AbortMultipartUpload' },
  { name: 'list parts', method: 'GET', key: `${own}a`, query: [['uploadId', 'u']], want: 'ListParts' },
  { name: 'list v2 with own prefix', method: 'GET', key: null, query: [['list-type', '2'], ['prefix', own]], want: 'ListObjects' },
  { name: 'list v1 with machine prefix', method: 'GET', key: null, query: [['prefix', 'machines/525400123456/']], want: 'ListObjects' },
  { name: 'list uploads with own prefix', method: 'GET', key: null, query: [['uploads', ''], ['prefix', own]], want: 'ListMultipartUploads' },
  { name: 'location', method: 'GET', key: null, query: [['location', '']], want: 'GetBucketLocation' },
  { name: 'versioning', method: 'GET', key: null, query: [['versioning', '']], want: 'GetBucketVersioning' },
  { name: 'head bucket', method: 'HEAD', key: null, want: 'HeadBucket' },
  { name: 'batch delete', method: 'POST', key: null, query: [['delete', '']], want: 'DeleteObjects' },
  { name: 'aws-sdk x-id', method: 'PUT', key: `${own}a`, query: [['x-id', 'PutObject']], want: 'PutObject' },
  // refusals
  { name: 'list buckets', method: 'GET', bucket: '', key: null, want: 'AccessDenied' },
  { name: 'other bucket', method: 'GET', bucket: 'other', key: null, query: [['location', '']], want: 'NoSuchBucket' },
  { name: 'other machine key', method: 'GET', key: 'machines/525400123457/vol/a', want: 'AccessDenied' },
  { name: 'machine prefix without slash', method: 'PUT', key: 'machines/5254001234567/a', want: 'AccessDenied' },
  { name: 'dot-dot', method: 'GET', key: `${own}../../525400123457/vol/a`, want: 'AccessDenied' },
  { name: 'dot segment', method: 'GET', key: `${own}./a`, want: 'AccessDenied' },
  { name: 'list without prefix', method: 'GET', key: null, want: 'AccessDenied' },
  { name: 'list another prefix', method: 'GET', key: null, query: [['prefix', 'machines/525400123457/']], want: 'AccessDenied' },
  { name: 'list machine prefix without slash', method: 'GET', key: null, query: [['prefix', 'machines/525400123456']], want: 'AccessDenied' },
  { name: 'list uploads without prefix', method: 'GET', key: null, query: [['uploads', '']], want: 'AccessDenied' },
  { name: 'create bucket', method: 'PUT', key: null, want: 'AccessDenied' },
  { name: 'delete bucket', method: 'DELETE', key: null, want: 'AccessDenied' },
  { name: 'bucket policy', method: 'GET', key: null, query: [['policy', '']], want: 'AccessDenied' },
  { name: 'object acl', method: 'PUT', key: `${own}a`, query: [['acl', '']], want: 'AccessDenied' },
  { name: 'copy from other machine', method: 'PUT', key: `${own}a`, copy: '/netboot/machines/525400123457/x', want: 'AccessDenied' },
  { name: 'copy from other bucket', method: 'PUT', key: `${own}a`, copy: `/other/${own}x`, want: 'AccessDenied' },
  { name: 'malformed copy source', method: 'PUT', key: `${own}a`, copy: '%E0%A4%A', want: 'AccessDenied' },
  { name: 'copy source on POST', method: 'POST', key: `${own}a`, query: [['uploads', '']], copy: `/netboot/${own}b`, want: 'AccessDenied' },
  { name: 'PATCH', method: 'PATCH', key: `${own}a`, want: 'AccessDenied' },
  { name: 'repeated prefix', method: 'GET', key: null, query: [['prefix', 'machines/525400123457/'], ['prefix', own]], want: 'AccessDenied' },
];

for (const r of rows) {
  test(`policy: ${r.name}`, () => {
    const d = authorize({ method: r.method, bucket: r.bucket ?? 'netboot', key: r.key ?? null, query: r.query ?? [], copySource: r.copy ?? null }, ctx);
    assert.equal(d.ok ? d.operation : d.code, r.want);
  });
}

test('batch delete keys: all must be the machine\'s own', () => {
  assert.ok(authorizeDeleteKeys([`${own}a`, `${own}b`], ctx.macHex).ok);
  assert.equal(authorizeDeleteKeys([`${own}a`, 'machines/525400123457/a'], ctx.macHex).ok, false);
  assert.equal(keyAllowed('machines/525400123456/', ctx.macHex), true);
});

test('parseCopySource', () => {
  assert.deepEqual(parseCopySource('/b/k%20x/y'), { bucket: 'b', key: 'k x/y' });
  assert.deepEqual(parseCopySource('b/k?versionId=3'), { bucket: 'b', key: 'k' });
  for (const bad of ['', '/b', '/b/', 'nokey', '%zz']) assert.equal(parseCopySource(bad), null, bad);
});
