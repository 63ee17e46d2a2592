// The boot routes' per-IP rate limit, over real sockets.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
before(async () => { s = await startTestServer({ bootRateLimit: 2 }); }); // burst of 10
after(() => s.close());

test('past its burst a client gets 429 with Retry-After and a JSON error; the admin API and /healthz are not limited', async () => {
  const statuses: number[] = [];
  let refused: Response | null = null;
  for (let i = 0; i < 15; i++) {
    const res = await fetch(`${s.url}/ipxe?mac=52:54:00:aa:00:${String(i).padStart(2, '0')}`);
    statuses.push(res.status);
    if (res.status === 429) refused ??= res; else await res.text();
  }
  assert.deepEqual(statuses.slice(0, 10), Array(10).fill(200), 'the burst is served');
  assert.ok(statuses.slice(10).every((c) => c === 429), `then refused: ${statuses}`);
  assert.ok(Number(refused!.headers.get('retry-after')) >= 1);
  assert.equal((await refused!.json()).error, 'too_many_requests');

  const machines = (await s.api('GET', '/api/v1/machines')).body as unknown[];
  assert.equal(machines.length, 10, 'refused requests recorded nothing');
  assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${s.url}/artifacts/x`)).status, 429, 'artifacts share the boot budget');
});
