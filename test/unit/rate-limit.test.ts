import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenBuckets } from '../../server/src/http/rate-limit.ts';

test('a client gets its burst, then one request per 1/rate seconds; other clients are unaffected', () => {
  let now = 0;
  const b = new TokenBuckets(2, 4, () => now);
  for (let i = 0; i < 4; i++) assert.equal(b.take('a').ok, true, `burst request ${i}`);
  const refused = b.take('a');
  assert.deepEqual(refused, { ok: false, retryAfterS: 1 });
  assert.equal(b.take('b').ok, true, 'another IP has its own bucket');
  now = 499;
  assert.equal(b.take('a').ok, false, 'not yet refilled');
  now = 500;
  assert.equal(b.take('a').ok, true, 'one token after 1/rate s');
  now = 60_000;
  for (let i = 0; i < 4; i++) assert.equal(b.take('a').ok, true, 'refills up to the burst, not beyond');
  assert.equal(b.take('a').ok, false);
});

test('refused requests do not drain the bucket further', () => {
  let now = 0;
  const b = new TokenBuckets(1, 1, () => now);
  assert.equal(b.take('a').ok, true);
  for (let i = 0; i < 10; i++) assert.equal(b.take('a').ok, false);
  now = 1000;
  assert.equal(b.take('a').ok, true);
});

test('bad settings are refused at construction', () => {
  assert.throws(() => new TokenBuckets(0, 5));
  assert.throws(() => new TokenBuckets(5, 0));
  assert.throws(() => new TokenBuckets(Number.NaN, 5));
});
