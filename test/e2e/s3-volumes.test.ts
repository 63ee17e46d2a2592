// Real boot with a volume: an admin seeds the volume through the archive endpoint, the QEMU guest reads
// b2c.minio/b2c.volume from its extra document, pulls the seed through the S3 gateway with its per-boot
// credentials (curl --aws-sigv4), pushes a new file and powers off; the archive then holds both files.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureBootAssets, type BootAssets } from '../helpers/boot-assets.ts';
import { DONE_MARKER, parseBootReport } from '../helpers/boot-report.ts';
import { startQemu } from '../helpers/qemu.ts';
import { freeTcpPort } from '../helpers/ports.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tarOf, untar } from '../helpers/tar.ts';

const MAC = '52:54:00:12:34:57';
const KERNEL = 'vmlinuz-cloud';
const INITRD = 'b2c-test-initramfs-s3.cpio.gz';
const PROFILE = {
  name: 'e2e-volumes',
  kernel: KERNEL,
  initramfs: INITRD,
  kernelArgs: 'console=ttyS0 panic=-1',
  containers: ["docker.io/library/alpine:latest sh -c 'cat /data/seed.txt > /data/result.txt'"],
  volumes: [{ name: 'data', pullOn: ['pipeline_start'], pushOn: ['pipeline_end'] }],
};
const HOOK = fileURLToPath(new URL('./hooks/s3-volume-sync.sh', import.meta.url));
const LOG_DIR = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
const BOOT_TIMEOUT_MS = 180_000;

describe('real boot with a volume: the guest pulls and pushes through the S3 gateway', { timeout: 600_000 }, () => {
  let server: TestServer;
  let assets: BootAssets;

  before(async () => {
    const s3Port = await freeTcpPort();
    [assets, server] = await Promise.all([
      ensureBootAssets({ withCurl: true, hooks: [HOOK] }),
      startTestServer({ s3Port }),
    ]);
    await mkdir(LOG_DIR, { recursive: true });
  });
  after(async () => { await server?.close(); });

  const archive = async (method: 'GET' | 'PUT', body?: Buffer) => {
    const res = await fetch(`${server.url}/api/v1/machines/${MAC}/volumes/data/archive`, {
      method, body: body ? new Uint8Array(body) : undefined,
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/x-tar' },
    });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  };

  test('seeded file pulled, new file pushed, both in the backup archive', async () => {
    for (const [name, kind, file] of [[KERNEL, 'kernel', assets.kernel], [INITRD, 'initramfs', assets.initramfs]]) {
      const res = await server.api('PUT', `/api/v1/artifacts/${name}?kind=${kind}`, await readFile(file), undefined, { 'content-type': 'application/octet-stream' });
      assert.ok(res.status < 300, `upload ${name}: ${res.status} ${res.text}`);
    }
    assert.equal((await server.api('POST', '/api/v1/profiles', PROFILE)).status, 201);
    const machine = await server.api('PUT', `/api/v1/machines/${MAC}`, { name: 'e2e-volumes-vm', profile: PROFILE.name });
    assert.ok(machine.status < 300, machine.text);

    const seeded = await archive('PUT', await tarOf({ 'seed.txt': 'seeded by the admin' }));
    assert.equal(seeded.status, 200, seeded.body.toString());

    const serialLog = join(LOG_DIR, 's3-volumes.serial.log');
    const vm = startQemu({ bootfile: `http://10.0.2.2:${new URL(server.url).port}/boot.ipxe`, mac: MAC, serialLog, timeoutMs: BOOT_TIMEOUT_MS });
    try {
      await vm.waitFor(DONE_MARKER);
      assert.equal((await vm.exited).code, 0, `the guest powered off cleanly (serial: ${serialLog})`);
    } finally {
      await vm.kill();
    }
    const serial = vm.serial();
    const report = parseBootReport(serial);
    assert.deepEqual(report.failures, [], `guest-side failures (serial: ${serialLog})`);
    assert.equal(report.status, 0, `hook status (serial: ${serialLog})`);
    assert.match(report.extraArgs?.text ?? '', /^b2c\.volume="data,mirror=netboot\/[^/]+\/machines\/525400123457\/data[,"]/m);
    assert.match(serial, /===B2C-TEST S3-PULLED seeded by the admin===/);
    assert.match(serial, /===B2C-TEST S3-PUSHED===/);

    const backup = await archive('GET');
    assert.equal(backup.status, 200);
    const files = Object.fromEntries(Object.entries(await untar(backup.body)).map(([name, body]) => [name, body.toString()]));
    assert.deepEqual(files, { 'seed.txt': 'seeded by the admin', 'result.txt': `pushed by ${MAC}\n` });
  });

  test("the machine's timeline summarises the gateway traffic (pulls, pushes, bytes)", async () => {
    // The gateway publishes a summary per boot session every 10 s.
    const deadline = Date.now() + 25_000;
    let s3: Array<{ detail: Record<string, number> }> = [];
    while (Date.now() < deadline) {
      const events = await server.api<Array<{ type: string; detail: Record<string, number> }>>('GET', `/api/v1/machines/${MAC}/events`);
      s3 = events.body.filter((e) => e.type === 's3');
      if (s3.some((e) => e.detail.pushes > 0)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const sum = (k: string) => s3.reduce((n, e) => n + (e.detail[k] ?? 0), 0);
    assert.equal(sum('pulls'), 1);
    assert.equal(sum('pushes'), 1);
    assert.ok(sum('bytesIn') > 0 && sum('bytesOut') > 0);
  });
});
