// /healthz, /metrics (the counters move with real traffic) and the OpenAPI document at /api/docs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** Value of one sample in Prometheus text: `name{labels} value` (labels given in the exposition's order). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('health, metrics and API docs', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer(); });
  after(() => s?.close());

  test('/healthz answers without a token', async () => {
    const res = await fetch(`${s.url}/healthz`);
    assert.equal(res.status, 200);
    const body = await res.json() as { status: string; version: string };
    assert.equal(body.status, 'ok');
    assert.equal(typeof body.version, 'string');
  });

  test('/metrics is Prometheus text and its counters follow the traffic', async () => {
    const scrape = async () => {
      const res = await fetch(`${s.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      return res.text();
    };
    const before = await scrape();
    assert.match(before, /^# HELP netboot_scripts_served_total /m);
    assert.match(before, /^# TYPE netboot_artifact_bytes_total counter$/m);
    assert.match(before, /^process_resident_memory_bytes \d+/m, 'default process metrics are on');

    assert.equal((await s.api('PUT', '/api/v1/artifacts/vmlinuz?kind=kernel', 'k'.repeat(1000))).status, 201);
    assert.equal((await s.api('PUT', '/api/v1/artifacts/initrd?kind=initramfs', 'i'.repeat(500))).status, 201);
    assert.equal((await s.api('POST', '/api/v1/profiles', { name: 'p', kernel: 'vmlinuz', initramfs: 'initrd', containers: ['img true'] })).status, 201);
    assert.equal((await s.api('PUT', '/api/v1/machines/52:54:00:00:ee:01', { profile: 'p' })).status, 201);

    await (await fetch(`${s.url}/boot.ipxe`)).text();
    await (await fetch(`${s.url}/ipxe?mac=52:54:00:00:ee:01`)).text();
    await (await fetch(`${s.url}/ipxe?mac=52:54:00:00:ee:02`)).text(); // unknown
    await (await fetch(`${s.url}/ipxe?mac=52:54:00:00:ee:02`)).text(); // still unknown
    await (await fetch(`${s.url}/artifacts/vmlinuz`)).text();
    await (await fetch(`${s.url}/artifacts/initrd`, { headers: { range: 'bytes=0-99' } })).text();
    await (await fetch(`${s.url}/artifacts/missing`)).text(); // a boot error

    // Artifact bytes are counted when the response closes: poll briefly.
    let after = '';
    for (let i = 0; i < 50; i++) {
      after = await scrape();
      if (sample(after, 'netboot_artifact_bytes_total{protocol="http"}') >= 1100) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const delta = (series: string) => sample(after, series) - sample(before, series);
    assert.equal(delta('netboot_scripts_served_total{kind="bootstrap"}'), 1);
    assert.equal(delta('netboot_scripts_served_total{kind="boot"}'), 1);
    assert.equal(delta('netboot_scripts_served_total{kind="retry"}'), 2);
    assert.equal(delta('netboot_artifact_bytes_total{protocol="http"}'), 1100, 'whole kernel + a 100-byte range');
    assert.equal(delta('netboot_boot_events_total{type="discovered"}'), 1);
    assert.equal(delta('netboot_boot_events_total{type="script"}'), 1);
    assert.equal(delta('netboot_boot_events_total{type="kernel"}'), 1);
    assert.equal(delta('netboot_errors_total{where="boot"}'), 1);
  });

  // metrics.ts counts each `discovered` event on top of the route's count of unassigned script requests, so the
  // first request of a new MAC counts twice. Fix: drop the `discovered` increment in Metrics.subscribeTo.
  test('netboot_unknown_macs_total counts each unassigned script request once', async () => {
    const before = sample(await (await fetch(`${s.url}/metrics`)).text(), 'netboot_unknown_macs_total');
    await (await fetch(`${s.url}/ipxe?mac=52:54:00:00:ee:10`)).text();
    await (await fetch(`${s.url}/ipxe?mac=52:54:00:00:ee:10`)).text();
    const after = sample(await (await fetch(`${s.url}/metrics`)).text(), 'netboot_unknown_macs_total');
    assert.equal(after - before, 2);
  });

  test('/api/docs serves the UI and /api/docs/json lists the API and boot routes', async () => {
    const ui = await fetch(`${s.url}/api/docs`, { redirect: 'follow' });
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /<html|swagger/i);

    const res = await fetch(`${s.url}/api/docs/json`);
    assert.equal(res.status, 200);
    const doc = await res.json() as { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>>; components: { securitySchemes: Record<string, unknown> } };
    assert.match(doc.openapi, /^3\./);
    assert.ok(doc.components.securitySchemes.bearer);
    const expected: Array<[string, string[]]> = [
      ['/api/v1/artifacts', ['get']],
      ['/api/v1/artifacts/{name}', ['get', 'put', 'delete']],
      ['/api/v1/profiles', ['get', 'post']],
      ['/api/v1/profiles/{name}', ['get', 'put', 'delete']],
      ['/api/v1/machines', ['get']],
      ['/api/v1/machines/{mac}', ['get', 'put', 'delete']],
      ['/api/v1/machines/{mac}/preview', ['get']],
      ['/api/v1/machines/{mac}/sessions', ['get']],
      ['/api/v1/machines/{mac}/events', ['get']],
      ['/api/v1/preview', ['post']],
      ['/api/v1/tokens', ['get', 'post']],
      ['/api/v1/tokens/{name}', ['delete']],
      ['/api/v1/whoami', ['get']],
      ['/api/v1/info', ['get']],
      ['/boot.ipxe', ['get']],
      ['/ipxe', ['get']],
      ['/b2c/{token}', ['get']],
      ['/artifacts/{name}', ['get', 'head']],
      ['/healthz', ['get']],
      ['/metrics', ['get']],
    ];
    for (const [p, methods] of expected) {
      assert.ok(doc.paths[p], `${p} is documented`);
      for (const m of methods) assert.ok(doc.paths[p]![m], `${m.toUpperCase()} ${p} is documented`);
    }
    assert.ok(doc.paths['/api/v1/profiles']!.post!.security, 'admin routes declare the bearer scheme');
  });
});
