// The gateway's principal lookup over boot sessions: which keys grant access, and to whom.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessKeyForSession, deriveSecretKey } from '../../server/src/domain/credentials.ts';
import { type SessionRecord, createPrincipalLookup } from '../../server/src/s3/principals.ts';

const masterKey = Buffer.alloc(32, 7);
const NOW = Date.parse('2026-01-01T12:00:00Z');
const sessions = new Map<string, SessionRecord>([
  ['0123456789abcdef01', { id: '0123456789abcdef01', mac: '52:54:00:12:34:56', clientIp: '10.0.0.5', createdAt: new Date(NOW - 60_000), endedAt: null }],
  ['0123456789abcdef02', { id: '0123456789abcdef02', mac: '52:54:00:12:34:56', clientIp: '10.0.0.5', createdAt: new Date(NOW - 120_000), endedAt: new Date(NOW - 60_000) }],
  ['0123456789abcdef03', { id: '0123456789abcdef03', mac: '52:54:00:aa:bb:cc', clientIp: null, createdAt: new Date(NOW - 7200_000), endedAt: null }],
]);
const lookup = (bind: boolean) => createPrincipalLookup({
  getSession: (id) => sessions.get(id) ?? null, masterKey, sessionTtlMs: 3600_000, bindToClientIp: bind, now: () => NOW,
});

test('an active session yields its derived secret and machine prefix', async () => {
  const key = accessKeyForSession('0123456789abcdef01');
  const r = await lookup(false).lookup(key);
  assert.deepEqual(r, {
    status: 'active',
    principal: { accessKey: key, secretKey: deriveSecretKey(masterKey, key), sessionId: '0123456789abcdef01', mac: '52:54:00:12:34:56', macHex: '525400123456', clientIp: null },
  });
  const bound = await lookup(true).lookup(key);
  assert.equal(bound.status === 'active' && bound.principal.clientIp, '10.0.0.5');
});

test('ended, expired and unknown keys', async () => {
  assert.deepEqual(await lookup(false).lookup(accessKeyForSession('0123456789abcdef02')), { status: 'ended', sessionId: '0123456789abcdef02', mac: '52:54:00:12:34:56' });
  assert.deepEqual(await lookup(false).lookup(accessKeyForSession('0123456789abcdef03')), { status: 'expired', sessionId: '0123456789abcdef03', mac: '52:54:00:aa:bb:cc' });
  for (const key of [accessKeyForSession('ffffffffffffffffff'), 'AKIAIOSFODNN7EXAMPLE', 'nb0123456789abcdef01', '']) {
    assert.deepEqual(await lookup(false).lookup(key), { status: 'unknown' }, key);
  }
});
