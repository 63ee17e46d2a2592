// /api/v1/machines: register and update (every accepted MAC spelling lands on one record), bad MACs in every position,
// overrides checked against the machine's profile at save time, state filter, preview, sessions, events, delete.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const MAC = '52:54:00:00:dd:01';
const BAD_MACS = ['zz', '52:54:00:00:dd', '52:54:00:00:dd:01:02', '52:54-00:00:dd:01', 'g2:54:00:00:dd:01', '${net0%2Fmac}', '52%3A54%3A00%3A00%3Add%3A01%3B'];

describe('machines API', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    assert.equal((await s.api('PUT', '/api/v1/artifacts/vmlinuz?kind=kernel', 'k')).status, 201);
    assert.equal((await s.api('PUT', '/api/v1/artifacts/initrd?kind=initramfs', 'i')).status, 201);
    const profile = await s.api('POST', '/api/v1/profiles', {
      name: 'site', kernel: 'vmlinuz', initramfs: 'initrd', containers: ['img echo {{var.SITE}} {{machine.name}}'], kernelArgs: 'console=ttyS0',
    });
    assert.equal(profile.status, 201, profile.text);
  });
  after(() => s?.close());

  test('every MAC spelling addresses one normalised record', async () => {
    const created = await s.api('PUT', '/api/v1/machines/52-54-00-00-DD-01', { name: 'rack-1', profile: 'site', variables: { SITE: 'lab' } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.mac, MAC);
    assert.equal(created.body.state, 'ready', 'a profile makes it bootable');
    for (const spelling of ['52540000DD01', '52:54:00:00:dd:01', '52-54-00-00-dd-01', '52:54:00:00:DD:01']) {
      const got = await s.api('GET', `/api/v1/machines/${spelling}`);
      assert.equal(got.status, 200, spelling);
      assert.equal(got.body.name, 'rack-1');
    }
    const updated = await s.api('PUT', '/api/v1/machines/52540000dd01', { mac: '52-54-00-00-dd-01', name: 'rack-1b' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.name, 'rack-1b');
    assert.equal(updated.body.profile, 'site', 'fields not sent are kept');
    assert.deepEqual(updated.body.variables, { SITE: 'lab' });
    assert.equal((await s.api('GET', '/api/v1/machines')).body.filter((m: { mac: string }) => m.mac === MAC).length, 1);
  });

  test('bad MACs in the URL → 400 invalid_mac on every machine route', async () => {
    for (const bad of BAD_MACS) {
      for (const [method, suffix, body] of [['GET', ''], ['PUT', '', { name: 'x' }], ['DELETE', ''], ['GET', '/preview'], ['GET', '/sessions'], ['GET', '/events']] as const) {
        const res = await s.api(method, `/api/v1/machines/${bad}${suffix}`, body);
        assert.equal(res.status, 400, `${method} ${bad}${suffix}: ${res.text}`);
        assert.equal(res.body.error, 'invalid_mac');
        assert.equal(res.body.field, 'mac');
      }
    }
    assert.equal((await s.api('GET', '/api/v1/machines')).body.length, 1, 'nothing created');
  });

  test('a MAC in the body must be a MAC and the same one as the URL', async () => {
    for (const mac of ['zz', '52:54:00:00:dd:02', 42]) {
      const res = await s.api('PUT', `/api/v1/machines/${MAC}`, { mac, name: 'changed' });
      assert.equal(res.status, 400, String(mac));
      assert.equal(res.body.field, 'mac');
    }
    assert.equal((await s.api('GET', `/api/v1/machines/${MAC}`)).body.name, 'rack-1b');
  });

  const refusals: Array<{ name: string; body: Record<string, unknown>; field: string }> = [
    { name: 'ready without a profile', body: { profile: null, state: 'ready' }, field: 'state' },
    { name: 'unknown profile', body: { profile: 'nope' }, field: 'profile' },
    { name: 'unknown state', body: { state: 'booting' }, field: 'state' },
    { name: 'quote in a variable', body: { variables: { SITE: 'a"b' } }, field: 'variables.SITE' },
    { name: 'backslash in a variable used in a stage', body: { variables: { SITE: 'a\\nb' } }, field: 'variables.SITE' },
    { name: 'bad variable name', body: { variables: { '1X': 'v' } }, field: 'variables.1X' },
    { name: 'quote in kernel args', body: { kernelArgs: 'a="b"' }, field: 'kernelArgs' },
    { name: 'iPXE expansion in kernel args', body: { kernelArgs: 'x=${ip}' }, field: 'kernelArgs' },
    { name: 'kernel line over the limit', body: { kernelArgs: 'x'.repeat(2100) }, field: 'kernelArgs' },
    { name: 'quote in a b2c override', body: { b2c: { hostname: 'x"y' } }, field: 'b2c.hostname' },
    { name: 'bad name', body: { name: 'has space' }, field: 'name' },
    { name: 'unknown field', body: { rack: 4 }, field: 'rack' },
    { name: 'a profile whose placeholders this machine cannot fill', body: { variables: null }, field: 'profile.containers[0]' },
  ];
  for (const r of refusals) {
    test(`PUT refused: ${r.name} → 400 field ${r.field}, machine unchanged`, async () => {
      const before = (await s.api('GET', `/api/v1/machines/${MAC}`)).body;
      const res = await s.api('PUT', `/api/v1/machines/${MAC}`, r.body);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.field, r.field, res.body.message);
      assert.deepEqual((await s.api('GET', `/api/v1/machines/${MAC}`)).body, before);
    });
  }

  test('preview: what the next boot gets, without creating a session', async () => {
    const res = await s.api('GET', `/api/v1/machines/${MAC}/preview`);
    assert.equal(res.status, 200, res.text);
    assert.match(res.body.script, new RegExp(`^kernel ${s.url}/artifacts/vmlinuz initrd=initrd `, 'm'));
    assert.match(res.body.kernelCmdline, /console=ttyS0/);
    assert.match(res.body.extraArgs, /img echo lab rack-1b/);
    assert.equal((await s.api('GET', `/api/v1/machines/${MAC}/sessions`)).body.length, 0);

    assert.equal((await s.api('PUT', '/api/v1/machines/52:54:00:00:dd:03', { name: 'idle' })).status, 201);
    const noProfile = await s.api('GET', '/api/v1/machines/52:54:00:00:dd:03/preview');
    assert.equal(noProfile.status, 409);
    assert.equal(noProfile.body.error, 'conflict');
  });

  test('state filter and its validation', async () => {
    assert.equal((await s.api('PUT', '/api/v1/machines/52:54:00:00:dd:04', { profile: 'site', state: 'disabled', name: 'off', variables: { SITE: 'x' } })).status, 201);
    const byState = async (state: string) => ((await s.api('GET', `/api/v1/machines?state=${state}`)).body as Array<{ mac: string }>).map((m) => m.mac);
    assert.deepEqual(await byState('ready'), [MAC]);
    assert.deepEqual(await byState('disabled'), ['52:54:00:00:dd:04']);
    assert.deepEqual(await byState('discovered'), ['52:54:00:00:dd:03']);
    for (const q of ['state=booting', 'colour=red']) {
      const res = await s.api('GET', `/api/v1/machines?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error, 'validation_failed');
    }
  });

  test('sessions and events after boots; limits are validated; 404 for unknown machines', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${s.url}/ipxe?mac=${MAC}`)).status, 200);
    const sessions = (await s.api('GET', `/api/v1/machines/${MAC}/sessions`)).body as Array<{ id: string; endedAt: string | null; createdAt: string }>;
    assert.equal(sessions.length, 3);
    assert.deepEqual(sessions.map((x) => x.endedAt === null), [true, false, false], 'newest first; only the newest is live');
    assert.equal((await s.api('GET', `/api/v1/machines/${MAC}/sessions?limit=1`)).body.length, 1);

    const events = (await s.api('GET', `/api/v1/machines/${MAC}/events`)).body as Array<{ id: number; type: string; sessionId: string }>;
    assert.equal(events.length, 3);
    assert.ok(events[0]!.id > events[1]!.id, 'newest first');
    assert.deepEqual(events.map((e) => e.sessionId), sessions.map((x) => x.id));
    const page = (await s.api('GET', `/api/v1/machines/${MAC}/events?limit=1&before=${events[0]!.id}`)).body;
    assert.deepEqual(page.map((e: { id: number }) => e.id), [events[1]!.id]);

    for (const q of ['limit=0', 'limit=x', 'before=-1']) {
      assert.equal((await s.api('GET', `/api/v1/machines/${MAC}/events?${q}`)).status, 400, q);
    }
    assert.equal((await s.api('GET', `/api/v1/machines/${MAC}/sessions?limit=501`)).status, 400);
    for (const suffix of ['', '/preview', '/sessions', '/events']) {
      const res = await s.api('GET', `/api/v1/machines/52:54:00:00:ff:ff${suffix}`);
      assert.equal(res.status, 404, suffix);
      assert.equal(res.body.error, 'not_found');
    }
  });

  test('DELETE removes a machine that has booted (sessions, events) → 204, then 404', async () => {
    assert.equal((await s.api('DELETE', `/api/v1/machines/${MAC}`)).status, 204);
    assert.equal((await s.api('GET', `/api/v1/machines/${MAC}`)).status, 404);
    assert.equal((await s.api('DELETE', `/api/v1/machines/${MAC}`)).status, 404);
    // It comes back as discovered on its next boot.
    await fetch(`${s.url}/ipxe?mac=${MAC}`);
    assert.equal((await s.api('GET', `/api/v1/machines/${MAC}`)).body.state, 'discovered');
  });
});
