// The boot flow over real sockets: a registered machine gets kernel/initrd/boot, the kernel line is the session's,
// the extra document is served once per token within its TTL, read limit and (optionally) client IP, a new boot
// ends the previous session, and the timeline records script → kernel → initrd → extra-args.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const MAC = '52:54:00:12:34:56';
const STAGES = ["docker.io/library/alpine:latest sh -c 'echo hello world'", '--env=A=1 docker.io/library/busybox:latest true'];

/** Two tiny artifacts, a profile and a ready machine: everything a boot needs. */
async function seedBootableMachine(s: TestServer, mac = MAC): Promise<void> {
  assert.equal((await s.api('PUT', '/api/v1/artifacts/vmlinuz?kind=kernel', 'kernel-bytes')).status, 201);
  assert.equal((await s.api('PUT', '/api/v1/artifacts/initrd.cpio?kind=initramfs', 'initramfs-bytes')).status, 201);
  const profile = await s.api('POST', '/api/v1/profiles', {
    name: 'ci', kernel: 'vmlinuz', initramfs: 'initrd.cpio', containers: STAGES, kernelArgs: 'console=ttyS0', pipefail: true,
  });
  assert.equal(profile.status, 201, profile.text);
  assert.equal((await s.api('PUT', `/api/v1/machines/${mac}`, { profile: 'ci', name: 'node-1' })).status, 201);
}

interface ParsedScript { kernelUrl: string; initrdUrl: string; kernelArgs: string; token: string; extraArgsUrl: string }

/** Pulls the pieces a machine acts on out of a rendered boot script. */
function parseBootScript(script: string): ParsedScript {
  const lines = script.split('\n');
  assert.equal(lines[0], '#!ipxe');
  const kernel = lines.find((l) => l.startsWith('kernel '));
  const initrd = lines.find((l) => l.startsWith('initrd '));
  assert.ok(kernel && initrd && lines.includes('boot'), `not a boot script:\n${script}`);
  const [, kernelUrl, initrdArg, ...args] = kernel.split(' ');
  assert.equal(initrdArg, 'initrd=initrd.cpio', 'EFI kernels find their initrd by name');
  const extraArgsUrl = args.find((a) => a.startsWith('b2c.extra_args_url='))?.slice('b2c.extra_args_url='.length);
  assert.ok(extraArgsUrl, 'the kernel line carries b2c.extra_args_url');
  const token = /\/b2c\/([A-Za-z0-9_-]+)$/.exec(extraArgsUrl)?.[1];
  assert.ok(token, extraArgsUrl);
  return { kernelUrl: kernelUrl!, initrdUrl: initrd.split(' ').at(-1)!, kernelArgs: args.join(' '), token, extraArgsUrl };
}

async function getText(url: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

async function bootScript(s: TestServer, mac = MAC, query = ''): Promise<ParsedScript> {
  const res = await getText(`${s.url}/ipxe?mac=${encodeURIComponent(mac)}${query}`);
  assert.equal(res.status, 200, res.text);
  return parseBootScript(res.text);
}

/** GET from a chosen source address (loopback has all of 127/8, so 127.0.0.2 is a second client), headers as given. */
function getFrom(localAddress: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { localAddress, agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
  });
}

/** The timeline is written as events arrive (artifact events fire when the response closes): poll briefly. */
async function waitForEvents(s: TestServer, mac: string, done: (types: string[]) => boolean): Promise<Array<{ type: string; sessionId: string | null; ip: string | null; detail: any }>> {
  for (let i = 0; i < 100; i++) {
    const events = (await s.api('GET', `/api/v1/machines/${mac}/events`)).body as Array<{ type: string; sessionId: string | null; ip: string | null; detail: any }>;
    if (done(events.map((e) => e.type))) return events;
    await sleep(20);
  }
  assert.fail('timeline did not reach the expected state');
}

describe('boot flow (default config)', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer(); await seedBootableMachine(s); });
  after(() => s?.close());

  test('/boot.ipxe chains to the absolute per-machine URL with the booted NIC', async () => {
    const res = await getText(`${s.url}/boot.ipxe`);
    assert.equal(res.status, 200);
    assert.match(res.type ?? '', /^text\/plain/);
    assert.match(res.text, /^#!ipxe\n/);
    assert.ok(res.text.includes(`chain --replace --autofree ${s.url}/ipxe?mac=\${netX/mac:hexhyp}&`), res.text);
  });

  test('script → kernel → initrd → extra document, with the session and timeline to match', async () => {
    const script = await bootScript(s, MAC, '&arch=x86_64&platform=pcbios&uuid=0a1b2c3d-0000-1111-2222-333344445555');
    assert.equal(script.kernelUrl, `${s.url}/artifacts/vmlinuz`);
    assert.equal(script.initrdUrl, `${s.url}/artifacts/initrd.cpio`);
    assert.equal(script.extraArgsUrl, `${s.url}/b2c/${script.token}`);

    const sessions = (await s.api('GET', `/api/v1/machines/${MAC}/sessions`)).body;
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].kernelCmdline, script.kernelArgs, 'the kernel line in the script is the session\'s');
    assert.match(script.kernelArgs, /(^| )console=ttyS0( |$)/);
    assert.equal(sessions[0].clientIp, '127.0.0.1');
    assert.equal(sessions[0].endedAt, null);
    assert.equal('tokenHash' in sessions[0], false, 'the API never shows the token hash');

    const machine = (await s.api('GET', `/api/v1/machines/${MAC}`)).body;
    assert.equal(machine.lastSeenIp, '127.0.0.1');
    assert.equal(machine.arch, 'x86_64');
    assert.equal(machine.platform, 'pcbios');
    assert.equal(machine.lastBoot.sessionId, sessions[0].id);

    assert.equal((await getText(script.kernelUrl)).text, 'kernel-bytes');
    await waitForEvents(s, MAC, (t) => t.includes('kernel'));
    assert.equal((await getText(script.initrdUrl)).text, 'initramfs-bytes');
    await waitForEvents(s, MAC, (t) => t.includes('initrd'));

    const doc = await getText(script.extraArgsUrl);
    assert.equal(doc.status, 200);
    assert.match(doc.type ?? '', /^text\/plain/);
    for (const stage of STAGES) assert.ok(doc.text.includes(`"${stage}"`), `stage ${stage} is in the document:\n${doc.text}`);
    assert.ok(!doc.text.includes('extra_args_url'), 'the document does not point at itself');
    const preview = (await s.api('GET', `/api/v1/machines/${MAC}/preview`)).body;
    assert.equal(doc.text, preview.extraArgs, 'the preview shows what the machine got (no secrets without volumes)');

    const events = await waitForEvents(s, MAC, (t) => t.includes('extra-args'));
    const sequence = events.slice().reverse().map((e) => e.type);
    assert.deepEqual(sequence, ['script', 'kernel', 'initrd', 'extra-args']);
    for (const e of events) {
      assert.equal(e.sessionId, sessions[0].id, `${e.type} is linked to the session`);
      assert.equal(e.ip, '127.0.0.1');
    }
    assert.equal(events.find((e) => e.type === 'kernel')!.detail.complete, true);

    const after = (await s.api('GET', `/api/v1/machines/${MAC}/sessions`)).body[0];
    assert.equal(after.outcome, 'extra-args', 'the session records how far the boot got');
    assert.equal(after.extraArgsReads, 1);
  });

  test('a second /ipxe starts a new session and ends the first: the old token is gone (410)', async () => {
    const first = await bootScript(s);
    assert.equal((await getText(first.extraArgsUrl)).status, 200);
    const second = await bootScript(s);
    assert.notEqual(second.token, first.token);
    const old = await getText(first.extraArgsUrl);
    assert.equal(old.status, 410);
    assert.equal(JSON.parse(old.text).error, 'gone');
    assert.equal((await getText(second.extraArgsUrl)).status, 200);

    const sessions = (await s.api('GET', `/api/v1/machines/${MAC}/sessions`)).body;
    assert.equal(sessions.filter((x: { endedAt: string | null }) => x.endedAt === null).length, 1, 'one live session per machine');
    const errors = (await waitForEvents(s, MAC, (t) => t.includes('error'))).filter((e) => e.type === 'error');
    assert.equal(errors[0]!.detail.reason, 'extra-args-ended');
  });

  test('the read limit (default 3) ends the document', async () => {
    const { extraArgsUrl } = await bootScript(s);
    for (let i = 0; i < 3; i++) assert.equal((await getText(extraArgsUrl)).status, 200, `read ${i + 1}`);
    const fourth = await getText(extraArgsUrl);
    assert.equal(fourth.status, 410);
    assert.match(JSON.parse(fourth.text).message, /maximum number of times/);
  });

  test('parallel reads of one document never exceed the read limit', async () => {
    const { extraArgsUrl } = await bootScript(s);
    const statuses = await Promise.all(Array.from({ length: 12 }, async () => (await getFrom('127.0.0.1', extraArgsUrl)).status));
    assert.equal(statuses.filter((x) => x === 200).length, 3, statuses.join(' '));
    assert.equal(statuses.filter((x) => x === 410).length, 9);
  });

  test('a Host header that is not host[:port] gets a 400, and the live session is untouched', async () => {
    const live = await bootScript(s);
    for (const host of ['x${net0/ip}', '#comment', 'a;b', 'two words', 'a&&b']) {
      for (const p of ['/boot.ipxe', `/ipxe?mac=${MAC}`]) {
        const res = await getFrom('127.0.0.1', s.url + p, { host });
        assert.equal(res.status, 400, `${host} ${p}: ${res.body}`);
        assert.equal(JSON.parse(res.body).field, 'host');
      }
    }
    assert.equal((await getText(live.extraArgsUrl)).status, 200, 'refused requests did not start a session');
    const script = await getFrom('127.0.0.1', `${s.url}/ipxe?mac=${MAC}`, { host: 'netboot.example:8080' });
    assert.match(script.body, /^kernel http:\/\/netboot\.example:8080\/artifacts\/vmlinuz /m, 'a plain host name is used as the public URL');
  });

  test('unknown and malformed tokens', async () => {
    const unknown = await getText(`${s.url}/b2c/${'A'.repeat(43)}`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(Object.keys(JSON.parse(unknown.text)).sort(), ['error', 'message']);
    assert.equal((await getText(`${s.url}/b2c/short`)).status, 400);
    assert.equal((await getText(`${s.url}/b2c/${'A'.repeat(40)}%2F..%2F..`)).status, 400);
  });

  test('a disabled machine gets a script that says so and boots nothing', async () => {
    const mac = '52:54:00:00:00:0d';
    assert.equal((await s.api('PUT', `/api/v1/machines/${mac}`, { profile: 'ci', state: 'disabled' })).status, 201);
    const res = await getText(`${s.url}/ipxe?mac=${mac}`);
    assert.equal(res.status, 200);
    assert.match(res.text, /^#!ipxe\n/);
    assert.match(res.text, /disabled/);
    assert.match(res.text, /\nexit 1\n/);
    assert.doesNotMatch(res.text, /^(kernel|initrd|boot)\b/m);
    assert.equal((await s.api('GET', `/api/v1/machines/${mac}/sessions`)).body.length, 0, 'no session for a disabled machine');
  });
});

describe('boot flow: extra document limits from the config', () => {
  test('TTL: the document expires (extraArgsTtl = 2 s)', async () => {
    const s = await startTestServer({ extraArgsTtl: 2 });
    try {
      await seedBootableMachine(s);
      const early = await bootScript(s);
      assert.equal((await getText(early.extraArgsUrl)).status, 200);
      const { extraArgsUrl } = await bootScript(s);
      await sleep(2100);
      const res = await getText(extraArgsUrl);
      assert.equal(res.status, 410);
      assert.match(JSON.parse(res.text).message, /expired/);
      const sessions = (await s.api('GET', `/api/v1/machines/${MAC}/sessions`)).body;
      assert.equal(sessions[0].extraArgsReads, 0, 'an expired document was not handed out');
    } finally {
      await s.close();
    }
  });

  test('read limit from the config (extraArgsMaxReads = 1)', async () => {
    const s = await startTestServer({ extraArgsMaxReads: 1 });
    try {
      await seedBootableMachine(s);
      const { extraArgsUrl } = await bootScript(s);
      assert.equal((await getText(extraArgsUrl)).status, 200);
      assert.equal((await getText(extraArgsUrl)).status, 410);
    } finally {
      await s.close();
    }
  });

  test('IP binding: another address gets 403 (forwarding headers are not trusted, no read used), the script\'s address gets the document', async () => {
    const s = await startTestServer({ extraArgsBindIp: true, extraArgsMaxReads: 1 });
    try {
      await seedBootableMachine(s);
      const { extraArgsUrl } = await bootScript(s); // fetched from 127.0.0.1
      const stranger = await getFrom('127.0.0.2', extraArgsUrl, { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' });
      assert.equal(stranger.status, 403, stranger.body);
      assert.equal(JSON.parse(stranger.body).error, 'forbidden');
      const owner = await getFrom('127.0.0.1', extraArgsUrl);
      assert.equal(owner.status, 200, 'the refused read did not count against the limit of 1');
      assert.ok(owner.body.includes(STAGES[0]!));
      const events = await waitForEvents(s, MAC, (t) => t.includes('extra-args'));
      const denied = events.find((e) => e.type === 'error');
      assert.equal(denied?.detail.reason, 'extra-args-wrong_ip');
      assert.equal(denied?.ip, '127.0.0.2');
    } finally {
      await s.close();
    }
  });

  test('NETBOOT_PUBLIC_URL wins over the Host header in every generated URL', async () => {
    const s = await startTestServer({ publicUrl: 'http://10.0.2.2:8080/' });
    try {
      await seedBootableMachine(s);
      const boot = await getFrom('127.0.0.1', `${s.url}/boot.ipxe`, { host: 'x${net0/ip}' });
      assert.equal(boot.status, 200);
      assert.ok(boot.body.includes('chain --replace --autofree http://10.0.2.2:8080/ipxe?mac='), boot.body);
      const script = parseBootScript((await getFrom('127.0.0.1', `${s.url}/ipxe?mac=${MAC}`)).body);
      assert.equal(script.kernelUrl, 'http://10.0.2.2:8080/artifacts/vmlinuz');
      assert.match(script.extraArgsUrl, /^http:\/\/10\.0\.2\.2:8080\/b2c\//);
    } finally {
      await s.close();
    }
  });

  test('without binding, any address may read the document', async () => {
    const s = await startTestServer();
    try {
      await seedBootableMachine(s);
      const { extraArgsUrl } = await bootScript(s);
      assert.equal((await getFrom('127.0.0.2', extraArgsUrl)).status, 200);
    } finally {
      await s.close();
    }
  });
});
