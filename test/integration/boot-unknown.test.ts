// Unknown MACs (DESIGN §3 step 4, NETBOOT_UNKNOWN): recorded as discovered and answered with a retry script, an
// exit script or the default profile; assigning a profile later boots the machine without touching it. Bad MACs in
// /ipxe are refused with a 400 that names the field.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer, type TestServer } from '../helpers/server.ts';

async function seedProfile(s: TestServer, name = 'default-pipeline'): Promise<void> {
  assert.equal((await s.api('PUT', '/api/v1/artifacts/vmlinuz?kind=kernel', 'k')).status, 201);
  assert.equal((await s.api('PUT', '/api/v1/artifacts/initrd?kind=initramfs', 'i')).status, 201);
  const res = await s.api('POST', '/api/v1/profiles', { name, kernel: 'vmlinuz', initramfs: 'initrd', containers: ['docker.io/library/alpine:latest true'] });
  assert.equal(res.status, 201, res.text);
}

async function ipxe(s: TestServer, query: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${s.url}/ipxe?${query}`);
  return { status: res.status, text: await res.text() };
}

async function metric(s: TestServer, name: string): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('NETBOOT_UNKNOWN=retry (default)', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer({ retrySeconds: 7 }); await seedProfile(s); });
  after(() => s?.close());

  test('an unknown MAC gets a retry script, is listed as discovered, and its timeline says so once', async () => {
    const unknownBefore = await metric(s, 'netboot_unknown_macs_total');
    const res = await ipxe(s, 'mac=52-54-00-AB-CD-EF&arch=x86_64&platform=efi');
    assert.equal(res.status, 200);
    assert.match(res.text, /^#!ipxe\n/);
    assert.match(res.text, /not assigned to a profile yet/);
    assert.match(res.text, /\nsleep 7\n/);
    assert.ok(res.text.includes(`chain --replace --autofree ${s.url}/boot.ipxe`), res.text);
    assert.doesNotMatch(res.text, /^(kernel|initrd|boot)\b/m);

    const mac = '52:54:00:ab:cd:ef';
    const listed = (await s.api('GET', '/api/v1/machines?state=discovered')).body as Array<{ mac: string; state: string; lastSeenIp: string; platform: string }>;
    const m = listed.find((x) => x.mac === mac);
    assert.ok(m, 'the normalised MAC is listed');
    assert.equal(m.state, 'discovered');
    assert.equal(m.lastSeenIp, '127.0.0.1');
    assert.equal(m.platform, 'efi');
    assert.equal((await s.api('GET', '/api/v1/machines?state=ready')).body.some((x: { mac: string }) => x.mac === mac), false);

    await ipxe(s, `mac=${mac}`); // asks again while waiting
    const events = (await s.api('GET', `/api/v1/machines/${mac}/events`)).body as Array<{ type: string }>;
    assert.deepEqual(events.map((e) => e.type), ['discovered'], 'discovered once, not per retry');
    assert.equal(await metric(s, 'netboot_unknown_macs_total') - unknownBefore >= 2, true, 'every unassigned request is counted');
    assert.equal((await s.api('GET', `/api/v1/machines/${mac}/sessions`)).body.length, 0);
  });

  test('assigning a profile to a discovered machine makes its next request boot', async () => {
    const mac = '52:54:00:00:00:a1';
    await ipxe(s, `mac=${mac}`);
    const assigned = await s.api('PUT', `/api/v1/machines/${mac}`, { profile: 'default-pipeline' });
    assert.equal(assigned.status, 200);
    assert.equal(assigned.body.state, 'ready');
    const res = await ipxe(s, `mac=${mac}`);
    assert.match(res.text, /^kernel http:\/\/.+\/artifacts\/vmlinuz initrd=initrd /m);
    assert.match(res.text, /^boot$/m);
  });

  test('a machine registered without a profile waits like a discovered one', async () => {
    const mac = '52:54:00:00:00:a2';
    assert.equal((await s.api('PUT', `/api/v1/machines/${mac}`, { name: 'later' })).status, 201);
    const res = await ipxe(s, `mac=${mac}`);
    assert.match(res.text, /not assigned to a profile yet/);
  });

  const badMacs: Array<[string, string]> = [
    ['missing', ''],
    ['empty', 'mac='],
    ['not hex', 'mac=zz:zz:zz:zz:zz:zz'],
    ['too short', 'mac=52:54:00:12:34'],
    ['too long', 'mac=52:54:00:12:34:56:78'],
    ['mixed separators', 'mac=52:54-00:12:34:56'],
    ['unexpanded iPXE setting', 'mac=${net0/mac}'],
    ['script injection', `mac=${encodeURIComponent('52:54:00:12:34:56\nshell')}`],
    ['over the length limit', `mac=${'a'.repeat(100)}`],
    ['repeated parameter', 'mac=52:54:00:12:34:56&mac=52:54:00:12:34:57'],
  ];
  for (const [name, query] of badMacs) {
    test(`/ipxe with a bad MAC (${name}) → 400 naming the field, nothing recorded`, async () => {
      const before = (await s.api('GET', '/api/v1/machines')).body.length;
      const res = await ipxe(s, query);
      assert.equal(res.status, 400, res.text);
      const body = JSON.parse(res.text);
      assert.equal(body.field, 'mac');
      assert.ok(['invalid_mac', 'validation_failed'].includes(body.error), body.error);
      assert.equal(typeof body.message, 'string');
      assert.equal((await s.api('GET', '/api/v1/machines')).body.length, before);
    });
  }
});

describe('NETBOOT_UNKNOWN=exit', () => {
  test('an unknown MAC is recorded and sent to the next boot device', async () => {
    const s = await startTestServer({ unknown: 'exit' });
    try {
      const res = await ipxe(s, 'mac=525400000e01');
      assert.equal(res.status, 200);
      assert.match(res.text, /^#!ipxe\n/);
      assert.match(res.text, /\nexit 1\n/);
      assert.doesNotMatch(res.text, /^(chain|kernel|boot)\b/m);
      assert.equal((await s.api('GET', '/api/v1/machines/52:54:00:00:0e:01')).body.state, 'discovered');
    } finally {
      await s.close();
    }
  });
});

describe('NETBOOT_UNKNOWN=profile:NAME', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer({ unknown: 'profile:default-pipeline' }); await seedProfile(s); });
  after(() => s?.close());

  test('an unknown MAC boots the default profile with a session of its own', async () => {
    const mac = '52:54:00:00:0f:01';
    const res = await ipxe(s, `mac=${mac}`);
    assert.equal(res.status, 200);
    assert.match(res.text, /^kernel .*\/artifacts\/vmlinuz initrd=initrd .*b2c\.extra_args_url=/m);
    const machine = (await s.api('GET', `/api/v1/machines/${mac}`)).body;
    assert.equal(machine.state, 'discovered', 'still waiting for an admin; it booted the default meanwhile');
    const sessions = (await s.api('GET', `/api/v1/machines/${mac}/sessions`)).body;
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].profile, 'default-pipeline');
    const types = (await s.api('GET', `/api/v1/machines/${mac}/events`)).body.map((e: { type: string }) => e.type);
    assert.deepEqual(types, ['script', 'discovered']);
  });

  test('the default profile cannot be deleted (409)', async () => {
    const res = await s.api('DELETE', '/api/v1/profiles/default-pipeline');
    assert.equal(res.status, 409);
    assert.equal(res.body.error, 'conflict');
    assert.equal((await s.api('GET', '/api/v1/profiles/default-pipeline')).status, 200);
  });

  test('overrides of a machine without a profile are checked against the default at save time, and used at boot', async () => {
    const mac = '52:54:00:00:0f:04';
    const refused = await s.api('PUT', `/api/v1/machines/${mac}`, { kernelArgs: 'quiet x="y"' });
    assert.equal(refused.status, 400, 'refused now, not with an error script at boot');
    assert.equal(refused.body.field, 'kernelArgs');
    assert.equal((await s.api('GET', `/api/v1/machines/${mac}`)).status, 404);

    assert.equal((await s.api('PUT', `/api/v1/machines/${mac}`, { kernelArgs: 'quiet' })).status, 201);
    const res = await ipxe(s, `mac=${mac}`);
    assert.match(res.text, /^kernel .* quiet( |$)/m);
    assert.equal((await s.api('PUT', `/api/v1/machines/${mac}`, { state: 'disabled', kernelArgs: 'x="y"' })).status, 200, 'a disabled machine boots nothing');
  });

  test('the default profile must boot a machine nobody has named yet', async () => {
    const before = (await s.api('GET', '/api/v1/profiles/default-pipeline')).body;
    const res = await s.api('PUT', '/api/v1/profiles/default-pipeline', {
      kernel: 'vmlinuz', initramfs: 'initrd', containers: ['docker.io/library/alpine:latest echo {{machine.name}}'],
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.field, 'containers[0]');
    assert.match(res.body.message, /default profile/);
    assert.deepEqual((await s.api('GET', '/api/v1/profiles/default-pipeline')).body, before, 'nothing changed');
  });

  test('a disabled machine is not booted by the default profile', async () => {
    const mac = '52:54:00:00:0f:02';
    assert.equal((await s.api('PUT', `/api/v1/machines/${mac}`, { state: 'disabled' })).status, 201);
    const res = await ipxe(s, `mac=${mac}`);
    assert.match(res.text, /disabled/);
    assert.doesNotMatch(res.text, /^kernel\b/m);
  });
});

describe('NETBOOT_UNKNOWN=profile:NAME naming a missing profile', () => {
  test('the machine gets an error script that retries, and the timeline has the error', async () => {
    const s = await startTestServer({ unknown: 'profile:nowhere', retrySeconds: 5 });
    try {
      const mac = '52:54:00:00:0f:03';
      const res = await ipxe(s, `mac=${mac}`);
      assert.equal(res.status, 200, 'a machine never gets an error page');
      assert.match(res.text, /profile nowhere is missing/);
      assert.match(res.text, /\nsleep 5\n/);
      assert.match(res.text, /^chain --replace --autofree http:\/\/.+\/boot\.ipxe$/m);
      let events: Array<{ type: string; detail: { reason?: string } }> = [];
      for (let i = 0; i < 50 && !events.some((e) => e.type === 'error'); i++) {
        events = (await s.api('GET', `/api/v1/machines/${mac}/events`)).body;
        if (!events.some((e) => e.type === 'error')) await sleep(20);
      }
      assert.equal(events.find((e) => e.type === 'error')?.detail.reason, 'profile-missing');
    } finally {
      await s.close();
    }
  });
});
