// Real boot: QEMU (TCG) with Debian's iPXE NIC ROM chains http://10.0.2.2:PORT/boot.ipxe from a real server,
// boots Debian's cloud kernel and the test initramfs (boot-payload/), which prints its /proc/cmdline and the
// extra document it fetched with busybox wget. The test drives only the public API.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureBootAssets, type BootAssets } from '../helpers/boot-assets.ts';
import { DONE_MARKER, parseBootReport, type BootReport } from '../helpers/boot-report.ts';
import { startQemu } from '../helpers/qemu.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const MAC = '52:54:00:12:34:56';
const KERNEL = 'vmlinuz-cloud';
const INITRD = 'b2c-test-initramfs.cpio.gz';
const PROFILE = {
  name: 'e2e-http-boot',
  kernel: KERNEL,
  initramfs: INITRD,
  kernelArgs: 'console=ttyS0 panic=-1',
  containers: [
    "docker.io/library/alpine:latest sh -c 'echo hello world'",
    "-v work:/work docker.io/library/busybox:latest sh -c 'echo  two  spaces > /work/out && cat /work/out'",
  ],
  volumes: [{ name: 'work' }],
};
const BOOT_TIMEOUT_MS = 150_000;
const LOG_DIR = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));

interface Session { id: string; kernelCmdline: string; endedAt: string | null; outcome: string | null }
interface TimelineEvent { type: string; sessionId: string | null }

/**
 * What may legitimately differ between the document a boot got and the admin preview: the S3 secret (the
 * preview redacts it) and the per-session access key (the preview renders a placeholder session).
 */
function comparable(doc: string): string {
  return doc
    .replace(/^(b2c\.minio="?[^,"\n]*,[^,"\n]*,)[^,"\n]*,[^,"\n]*/gm, '$1<access-key>,<secret>')
    .replace(/((?:^|,)(?:encrypt|fscrypt)_key=)[^,"\n]*/gm, '$1<secret>');
}

function extraArgsToken(cmdline: string): string {
  const m = /(?:^| )b2c\.extra_args_url=http:\/\/10\.0\.2\.2:\d+\/b2c\/([A-Za-z0-9_-]+)(?: |$)/.exec(cmdline);
  assert.ok(m, `no b2c.extra_args_url pointing at the server in ${cmdline}`);
  return m[1];
}

describe('real boot over HTTP: QEMU + iPXE ROM + cloud kernel + test initramfs', { timeout: 600_000 }, () => {
  let server: TestServer;
  let assets: BootAssets;
  let bootCount = 0;

  before(async () => {
    assets = await ensureBootAssets(); // cached after the first run; ~7 s to build
    server = await startTestServer();
    await mkdir(LOG_DIR, { recursive: true });
  });
  after(async () => {
    await server?.close();
  });

  async function bootOnce(): Promise<{ report: BootReport; serialLog: string }> {
    const serialLog = join(LOG_DIR, `http-boot-${++bootCount}.serial.log`);
    const vm = startQemu({
      bootfile: `http://10.0.2.2:${new URL(server.url).port}/boot.ipxe`,
      mac: MAC,
      serialLog,
      timeoutMs: BOOT_TIMEOUT_MS,
    });
    try {
      await vm.waitFor(DONE_MARKER);
      const exit = await vm.exited;
      assert.equal(exit.code, 0, `the guest powered off cleanly (serial: ${serialLog})`);
      return { report: parseBootReport(vm.serial()), serialLog };
    } finally {
      await vm.kill();
    }
  }

  async function sessions(): Promise<Session[]> {
    const res = await server.api<Session[]>('GET', `/api/v1/machines/${MAC}/sessions`);
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  let firstToken = '';
  let firstSession: Session;

  test('the guest boots with exactly the kernel line and extra document the server rendered', async () => {
    for (const [name, kind, file] of [[KERNEL, 'kernel', assets.kernel], [INITRD, 'initramfs', assets.initramfs]]) {
      const res = await server.api('PUT', `/api/v1/artifacts/${name}?kind=${kind}`, await readFile(file), undefined, {
        'content-type': 'application/octet-stream',
      });
      assert.equal(res.status < 300, true, `upload ${name}: ${res.status} ${res.text}`);
    }
    const created = await server.api('POST', '/api/v1/profiles', PROFILE);
    assert.equal(created.status, 201, created.text);
    const machine = await server.api('PUT', `/api/v1/machines/${MAC}`, { name: 'e2e-vm', profile: PROFILE.name });
    assert.ok(machine.status === 200 || machine.status === 201, machine.text);

    const { report, serialLog } = await bootOnce();
    assert.deepEqual(report.failures, [], `guest-side failures (serial: ${serialLog})`);
    assert.equal(report.status, 0);

    const [session, ...older] = await sessions();
    assert.equal(older.length, 0, 'one boot, one session');
    firstSession = session;
    // The renderer puts `initrd=NAME` first (EFI kernels need it); on BIOS the kernel gets exactly the rest of
    // the `kernel URL …` line, so /proc/cmdline is that plus the session's line, byte for byte.
    assert.equal(report.cmdline, `initrd=${INITRD} ${session.kernelCmdline}`);
    firstToken = extraArgsToken(session.kernelCmdline);

    const preview = await server.api<{ kernelCmdline: string; extraArgs: string }>('GET', `/api/v1/machines/${MAC}/preview`);
    assert.equal(preview.status, 200, preview.text);
    // The preview differs only where it must: its public URL comes from the admin's Host header (the guest
    // used 10.0.2.2) and it shows a placeholder token.
    const asTheGuestSawIt = preview.body.kernelCmdline
      .replaceAll(server.url, `http://10.0.2.2:${new URL(server.url).port}`)
      .replace(/\/b2c\/[A-Za-z0-9_-]+/, `/b2c/${firstToken}`);
    assert.equal(session.kernelCmdline, asTheGuestSawIt);

    const doc = report.extraArgs;
    assert.ok(doc, `the guest printed no extra document (serial: ${serialLog})`);
    // Same rule for URLs inside the document (an S3 endpoint follows the Host the request came to).
    const guestView = preview.body.extraArgs.replaceAll('//127.0.0.1:', '//10.0.2.2:');
    assert.equal(comparable(doc.text), comparable(guestView));
    assert.doesNotMatch(doc.text, /NETBOOT-S3-SECRET-SLOT|\*\*\*/, 'the served document carries real values, not placeholders');
    // And independently of the preview: each stage reached b2c verbatim, in order, inside double quotes.
    const stages = [...doc.text.matchAll(/^b2c\.(?:run|container)="(.*)"$/gm)].map((m) => m[1]);
    assert.deepEqual(stages, PROFILE.containers);
    assert.match(doc.text, /^b2c\.volume="work(,[^"]*)?"$/m);
  });

  test('the timeline shows script → kernel → initrd → extra-args for that session', async () => {
    assert.ok(firstSession, 'needs the first boot');
    const res = await server.api<TimelineEvent[]>('GET', `/api/v1/machines/${MAC}/events`);
    assert.equal(res.status, 200, res.text);
    const ofSession = res.body.filter((e) => e.sessionId === firstSession.id).reverse(); // oldest first
    assert.deepEqual(ofSession.filter((e) => e.type === 'error'), []);
    const steps = ofSession.map((e) => e.type).filter((t, i, all) => i === 0 || all[i - 1] !== t);
    assert.deepEqual(steps, ['script', 'kernel', 'initrd', 'extra-args']);
    assert.equal((await sessions())[0].outcome, 'extra-args');
  });

  test('a second boot gets a new session and the first session’s document is gone', async () => {
    assert.ok(firstToken, 'needs the first boot');
    const stillAlive = await fetch(`${server.url}/b2c/${firstToken}`);
    assert.equal(stillAlive.status, 200, 'the first token works until the machine boots again');

    const { report, serialLog } = await bootOnce();
    assert.deepEqual(report.failures, [], `guest-side failures (serial: ${serialLog})`);
    const [second, first, ...rest] = await sessions();
    assert.equal(rest.length, 0);
    assert.equal(first.id, firstSession.id);
    assert.notEqual(second.id, first.id);
    assert.ok(first.endedAt, 'the first session was ended by the second boot');
    assert.equal(report.cmdline, `initrd=${INITRD} ${second.kernelCmdline}`);
    const secondToken = extraArgsToken(second.kernelCmdline);
    assert.notEqual(secondToken, firstToken);
    assert.equal(report.extraArgs?.text !== undefined, true);

    const dead = await fetch(`${server.url}/b2c/${firstToken}`);
    assert.ok(dead.status === 404 || dead.status === 410, `first token answered ${dead.status}`);
  });
});
