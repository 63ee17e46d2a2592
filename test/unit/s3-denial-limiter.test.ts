// Token bucket of refusals per IP, with a fake clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DenialLimiter } from '../../server/src/s3/denial-limiter.ts';

test('burst, refill and per-IP isolation', () => {
  let now = 0;
  const l = new DenialLimiter({ burst: 2, perMinute: 6, now: () => now });
  assert.ok(l.allows('a'));
  l.recordDenial('a');
  l.recordDenial('a');
  assert.equal(l.allows('a'), false);
  assert.ok(l.allows('b'), 'another IP is unaffected');
  now += 9_000; // 0.9 of a token
  assert.equal(l.allows('a'), false);
  now += 1_000;
  assert.ok(l.allows('a'));
  now += 3600_000;
  l.recordDenial('a');
  assert.ok(l.allows('a'), 'refill is capped at the burst, not unbounded');
  assert.throws(() => new DenialLimiter({ burst: 0, perMinute: 1 }));
});
