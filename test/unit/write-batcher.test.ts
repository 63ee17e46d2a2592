import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { WriteBatcher } from '../../server/src/store/write-batcher.ts';

function fixture() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v TEXT NOT NULL)');
  let commits = 0;
  const transaction = <T>(fn: () => T): T => {
    const wasOpen = db.inTransaction;
    const result = db.transaction(fn)();
    if (!wasOpen) commits++;
    return result;
  };
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const rows = () => (db.prepare('SELECT v FROM t ORDER BY rowid').all() as { v: string }[]).map((r) => r.v);
  return { batcher: new WriteBatcher(transaction), insert, rows, commits: () => commits };
}

test('work queued in one event-loop turn is committed once, in order, and each caller gets its own result', async () => {
  const f = fixture();
  const results = await Promise.all(['a', 'b', 'c'].map((v) => f.batcher.run(() => { f.insert.run(v); return v.toUpperCase(); })));
  assert.deepEqual(results, ['A', 'B', 'C']);
  assert.deepEqual(f.rows(), ['a', 'b', 'c']);
  assert.equal(f.commits(), 1);
});

test('a unit that throws rolls back alone and rejects only its caller', async () => {
  const f = fixture();
  const outcomes = await Promise.allSettled([
    f.batcher.run(() => f.insert.run('kept-1')),
    f.batcher.run(() => { f.insert.run('rolled-back'); throw new Error('boom'); }),
    f.batcher.run(() => f.insert.run('kept-2')),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal((outcomes[1] as PromiseRejectedResult).reason.message, 'boom');
  assert.deepEqual(f.rows(), ['kept-1', 'kept-2']);
});

test('nothing runs before the current turn ends; later turns get batches of their own', async () => {
  const f = fixture();
  const first = f.batcher.run(() => f.insert.run('1'));
  assert.deepEqual(f.rows(), [], 'queued, not yet written');
  await first;
  await f.batcher.run(() => f.insert.run('2'));
  assert.deepEqual(f.rows(), ['1', '2']);
  assert.equal(f.commits(), 2);
});
