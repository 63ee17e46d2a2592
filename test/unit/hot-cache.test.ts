import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { HotArtifactCache } from '../../server/src/artifacts/hot-cache.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hot-cache-'));
const blob = (name: string, size: number) => {
  const file = path.join(dir, name);
  writeFileSync(file, Buffer.alloc(size, name));
  return file;
};
const settle = async (c: HotArtifactCache, sha: string) => { for (let i = 0; i < 100 && !c.get(sha); i++) await sleep(5); };

test('a served blob is loaded in the background, then served from memory', async () => {
  const c = new HotArtifactCache(1000, pino({ level: 'silent' }));
  assert.equal(c.get('a'), undefined);
  c.warm('a', blob('a', 100), 100);
  await settle(c, 'a');
  assert.deepEqual(c.get('a'), Buffer.alloc(100, 'a'));
  assert.equal(c.bytes, 100);
});

test('the budget holds: least recently used blobs go first; blobs over half the budget are never cached', async () => {
  const c = new HotArtifactCache(1000, pino({ level: 'silent' }));
  for (const n of ['x', 'y']) { c.warm(n, blob(n, 400), 400); await settle(c, n); }
  c.get('x'); // x is now the most recent
  c.warm('z', blob('z', 400), 400); await settle(c, 'z');
  assert.ok(c.get('x') && c.get('z'), 'x (recently used) and z are cached');
  assert.equal(c.get('y'), undefined, 'y was evicted');
  assert.ok(c.bytes <= 1000);
  c.warm('big', blob('big', 600), 600);
  await sleep(50);
  assert.equal(c.get('big'), undefined);
});

test('a blob whose size does not match what was announced is not cached; drop forgets a blob', async () => {
  const c = new HotArtifactCache(1000, pino({ level: 'silent' }));
  c.warm('m', blob('m', 10), 11);
  await sleep(50);
  assert.equal(c.get('m'), undefined);
  c.warm('d', blob('d', 10), 10); await settle(c, 'd');
  c.drop('d');
  assert.equal(c.get('d'), undefined);
  assert.equal(c.bytes, 0);
});

test('a cache of 0 bytes caches nothing', async () => {
  const c = new HotArtifactCache(0, pino({ level: 'silent' }));
  c.warm('n', blob('n', 1), 1);
  await sleep(30);
  assert.equal(c.get('n'), undefined);
});
