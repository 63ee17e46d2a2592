// SigV4 against AWS's published examples (S3 API reference, "Signature Calculations"), then one tamper per
// signed element: changing any of them must break the signature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type CanonicalRequestInput, type SignedRequestClaim, EMPTY_SHA256, canonicalRequest, checkScopeAndTime,
  chunkStringToSign, parseAmzDate, parseAuthorizationHeader, parsePresignedQuery, sha256Hex, signature, signingKey,
  stringToSign, trailerStringToSign, verifyRequestSignature, authorizationHeader, uriEncode,
} from '../../server/src/domain/sigv4.ts';

const AK = 'AKIAIOSFODNN7EXAMPLE';
const SK = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DATE = '20130524T000000Z';
const NOW = parseAmzDate(DATE)!;
const SCOPE = { accessKey: AK, date: '20130524', region: 'us-east-1', service: 's3' };
const H = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [v]]));

interface Vector { name: string; method: string; path: string; query: [string, string][]; headers: Record<string, string>; signed: string; payload: string; want: string }

// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
const headerVectors: Vector[] = [
  {
    name: 'GET object', method: 'GET', path: '/test.txt', query: [],
    headers: { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': DATE },
    signed: 'host;range;x-amz-content-sha256;x-amz-date', payload: EMPTY_SHA256,
    want: 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  },
  {
    name: 'PUT object', method: 'PUT', path: '/test$file.text', query: [],
    headers: {
      date: 'Fri, 24 May 2013 00:00:00 GMT', host: 'examplebucket.s3.amazonaws.com',
      'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072', 'x-amz-date': DATE,
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    },
    signed: 'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
    payload: '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
    want: '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
  },
  {
    name: 'GET bucket lifecycle', method: 'GET', path: '/', query: [['lifecycle', '']],
    headers: { host: 'examplebucket.s3.amazonaws.com', 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': DATE },
    signed: 'host;x-amz-content-sha256;x-amz-date', payload: EMPTY_SHA256,
    want: 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
  },
  {
    name: 'GET bucket (list objects)', method: 'GET', path: '/', query: [['max-keys', '2'], ['prefix', 'J']],
    headers: { host: 'examplebucket.s3.amazonaws.com', 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': DATE },
    signed: 'host;x-amz-content-sha256;x-amz-date', payload: EMPTY_SHA256,
    want: '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
  },
];

function claimFor(v: Vector, sig = v.want): SignedRequestClaim {
  const header = `AWS4-HMAC-SHA256 Credential=${AK}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${v.signed},Signature=${sig}`;
  const parsed = parseAuthorizationHeader(header, DATE);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.claim;
}
const requestOf = (v: Vector): Omit<CanonicalRequestInput, 'signedHeaders'> =>
  ({ method: v.method, decodedPath: v.path, query: v.query, headers: H(v.headers), payloadHash: v.payload });

for (const v of headerVectors) {
  test(`AWS header vector: ${v.name}`, () => {
    const key = signingKey(SK, SCOPE);
    const canonical = canonicalRequest({ ...requestOf(v), signedHeaders: v.signed.split(';') });
    assert.equal(signature(key, stringToSign(DATE, SCOPE, canonical)), v.want);
    assert.ok(verifyRequestSignature(claimFor(v), SK, requestOf(v)).ok);
    assert.equal(authorizationHeader(AK, SK, 'us-east-1', DATE, { ...requestOf(v), signedHeaders: v.signed.split(';') }).endsWith(v.want), true);
  });
}

// A tamper per signed element of the PUT example: method, path, query, each signed header, payload hash, secret, scope.
test('tampering with any signed element breaks the signature', () => {
  const v = headerVectors[1];
  const base = requestOf(v);
  const tampers: Array<[string, Omit<CanonicalRequestInput, 'signedHeaders'>, string?]> = [
    ['method', { ...base, method: 'POST' }],
    ['path', { ...base, decodedPath: '/test$file.texT' }],
    ['query', { ...base, query: [['acl', '']] }],
    ['payload hash', { ...base, payloadHash: sha256Hex('Welcome to Amazon S3!') }],
    ['secret', base, SK + 'x'],
  ];
  for (const name of Object.keys(v.headers)) {
    tampers.push([`header ${name}`, { ...base, headers: { ...base.headers, [name]: [v.headers[name] + '0'] } }]);
  }
  for (const [name, request, secret] of tampers) {
    const r = verifyRequestSignature(claimFor(v), secret ?? SK, request);
    assert.equal(r.ok, false, name);
    assert.equal(!r.ok && r.code, 'SignatureDoesNotMatch', name);
  }
  // Scope fields are signed too (they feed the signing key and the string to sign).
  for (const scope of [{ ...SCOPE, region: 'eu-west-1' }, { ...SCOPE, date: '20130525' }, { ...SCOPE, accessKey: 'AKIAOTHER' }]) {
    const claim = { ...claimFor(v), scope };
    const r = verifyRequestSignature(claim, SK, base);
    if (scope.accessKey !== AK) assert.ok(r.ok, 'the access key is not part of the signature itself');
    else assert.equal(r.ok, false);
  }
  // The signature itself, one hex digit off.
  assert.equal(verifyRequestSignature(claimFor(v, v.want.replace(/.$/, '0')), SK, base).ok, false);
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
test('AWS presigned URL vector', () => {
  const query: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['X-Amz-Credential', `${AK}/20130524/us-east-1/s3/aws4_request`],
    ['X-Amz-Date', DATE], ['X-Amz-Expires', '86400'], ['X-Amz-SignedHeaders', 'host'],
    ['X-Amz-Signature', 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404'],
  ];
  const parsed = parsePresignedQuery(query);
  assert.ok(parsed.ok);
  const request = { method: 'GET', decodedPath: '/test.txt', query, headers: H({ host: 'examplebucket.s3.amazonaws.com' }), payloadHash: 'UNSIGNED-PAYLOAD' };
  assert.ok(verifyRequestSignature(parsed.claim, SK, request).ok);
  assert.ok(checkScopeAndTime(parsed.claim, { region: 'us-east-1', nowMs: NOW + 3600_000, clockSkewMs: 900_000 }).ok);
  const expired = checkScopeAndTime(parsed.claim, { region: 'us-east-1', nowMs: NOW + 86401_000, clockSkewMs: 900_000 });
  assert.deepEqual(expired.ok ? null : expired.code, 'AccessDenied');
  const future = checkScopeAndTime(parsed.claim, { region: 'us-east-1', nowMs: NOW - 3600_000, clockSkewMs: 900_000 });
  assert.equal(future.ok, false);
  // Tamper: path, an extra query parameter, the expiry, the host.
  for (const r of [
    { ...request, decodedPath: '/test.txu' },
    { ...request, query: [...query, ['prefix', 'x'] as [string, string]] },
    { ...request, query: query.map(([k, v]) => [k, k === 'X-Amz-Expires' ? '86401' : v] as [string, string]) },
    { ...request, headers: H({ host: 'otherbucket.s3.amazonaws.com' }) },
  ]) assert.equal(verifyRequestSignature(parsed.claim, SK, r).ok, false);
});

test('presigned X-Amz-Expires must be 1..604800 digits', () => {
  const q = (expires: string): [string, string][] => [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['X-Amz-Credential', `${AK}/20130524/us-east-1/s3/aws4_request`],
    ['X-Amz-Date', DATE], ['X-Amz-Expires', expires], ['X-Amz-SignedHeaders', 'host'], ['X-Amz-Signature', 'a'.repeat(64)],
  ];
  for (const bad of ['-1', '0', '604801', '1e3', ' 60', '0x10', '', '99999999']) {
    const r = parsePresignedQuery(q(bad));
    assert.equal(r.ok ? 'ok' : r.code, 'AuthorizationQueryParametersError', `expires=${JSON.stringify(bad)}`);
  }
  assert.ok(parsePresignedQuery(q('604800')).ok);
});

test('header auth: clock skew, region, service and credential date', () => {
  const claim = claimFor(headerVectors[0]);
  const exp = { region: 'us-east-1', nowMs: NOW, clockSkewMs: 15 * 60_000 };
  assert.ok(checkScopeAndTime(claim, { ...exp, nowMs: NOW + 14 * 60_000 }).ok);
  const skewed = checkScopeAndTime(claim, { ...exp, nowMs: NOW + 16 * 60_000 });
  assert.equal(skewed.ok ? null : skewed.code, 'RequestTimeTooSkewed');
  const early = checkScopeAndTime(claim, { ...exp, nowMs: NOW - 16 * 60_000 });
  assert.equal(early.ok ? null : early.code, 'RequestTimeTooSkewed');
  const region = checkScopeAndTime(claim, { ...exp, region: 'eu-west-1' });
  assert.equal(region.ok ? null : region.code, 'AuthorizationHeaderMalformed');
  const service = checkScopeAndTime({ ...claim, scope: { ...claim.scope, service: 'iam' } }, exp);
  assert.equal(service.ok ? null : service.code, 'AuthorizationHeaderMalformed');
  const date = checkScopeAndTime({ ...claim, amzDate: '20130525T000000Z' }, { ...exp, nowMs: NOW + 86400_000 });
  assert.equal(date.ok ? null : date.code, 'SignatureDoesNotMatch');
});

test('malformed Authorization headers and dates', () => {
  for (const h of [
    'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=',
    'AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3, SignedHeaders=host, Signature=' + 'a'.repeat(64),
    'AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=Host, Signature=' + 'a'.repeat(64),
    'AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=xyz',
  ]) assert.equal(parseAuthorizationHeader(h, DATE).ok, false, h);
  for (const d of ['20131324T000000Z', '20130524T246000Z', '2013-05-24T00:00:00Z', '']) assert.equal(parseAmzDate(d), null, d);
});

test('uriEncode follows S3 rules', () => {
  assert.equal(uriEncode('a b/c~d+e=f*', true), 'a%20b/c~d%2Be%3Df%2A');
  assert.equal(uriEncode('a/b', false), 'a%2Fb');
  assert.equal(uriEncode('é', false), '%C3%A9');
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
test('AWS chunked upload vector: seed and every chunk signature', () => {
  const headers = {
    'content-encoding': 'aws-chunked', 'content-length': '66824', host: 's3.amazonaws.com',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-date': DATE,
    'x-amz-decoded-content-length': '66560', 'x-amz-storage-class': 'REDUCED_REDUNDANCY',
  };
  const signed = Object.keys(headers).sort();
  const key = signingKey(SK, SCOPE);
  const seed = signature(key, stringToSign(DATE, SCOPE, canonicalRequest({
    method: 'PUT', decodedPath: '/examplebucket/chunkObject.txt', query: [], headers: H(headers), signedHeaders: signed,
    payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  })));
  assert.equal(seed, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
  const chunks = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a'), Buffer.alloc(0)];
  const want = [
    'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
    '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
    'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
  ];
  let prev = seed;
  chunks.forEach((c, i) => {
    prev = signature(key, chunkStringToSign(DATE, SCOPE, prev, sha256Hex(c)));
    assert.equal(prev, want[i], `chunk ${i}`);
  });
  // Chain tamper: a chunk signed against the wrong predecessor does not match.
  assert.notEqual(signature(key, chunkStringToSign(DATE, SCOPE, seed, sha256Hex(chunks[1]))), want[1]);
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
test('AWS chunked upload with trailer vector', () => {
  const headers = {
    'content-encoding': 'aws-chunked', host: 's3.amazonaws.com',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'x-amz-date': DATE,
    'x-amz-decoded-content-length': '66560', 'x-amz-storage-class': 'REDUCED_REDUNDANCY', 'x-amz-trailer': 'x-amz-checksum-crc32c',
  };
  const key = signingKey(SK, SCOPE);
  const seed = signature(key, stringToSign(DATE, SCOPE, canonicalRequest({
    method: 'PUT', decodedPath: '/examplebucket/chunkObject.txt', query: [], headers: H(headers),
    signedHeaders: Object.keys(headers).sort(), payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  })));
  assert.equal(seed, '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e');
  let prev = seed;
  const want = [
    'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
    '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
    '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
  ];
  [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a'), Buffer.alloc(0)].forEach((c, i) => {
    prev = signature(key, chunkStringToSign(DATE, SCOPE, prev, sha256Hex(c)));
    assert.equal(prev, want[i], `chunk ${i}`);
  });
  assert.equal(signature(key, trailerStringToSign(DATE, SCOPE, prev, 'x-amz-checksum-crc32c:sOO8/Q==\n')),
    'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435');
});
