// Real firmware, real PXE, in a network namespace: bridge + tap + dnsmasq (DHCP only) + b2c-netboot (TFTP on :69
// and HTTP) as its own process inside the namespace, QEMU under TCG on the tap.
//   (a) BIOS: QEMU's iPXE NIC ROM → TFTP undionly.kpxe → that iPXE asks for undionly.kpxe again → the server's loop
//       breaker answers with the chain script → HTTP /boot.ipxe → kernel + initramfs.
//   (b) UEFI: OVMF with the NIC ROM disabled (`romfile=`), so the firmware's own PXE client → TFTP snponly.efi →
//       iPXE, which DHCP's loop breaker (user-class iPXE) sends to HTTP → kernel + initramfs.
// Each guest prints its /proc/cmdline; it must be the session's kernel line the server rendered.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureBootAssets, type BootAssets } from '../helpers/boot-assets.ts';
import { DONE_MARKER, parseBootReport, type BootReport } from '../helpers/boot-report.ts';
import { createNetns, type Netns } from '../helpers/netns.ts';

const SERVER_IP = '192.168.77.1';
const BASE = `http://${SERVER_IP}:8080`;
const TOKEN = 'firmware-e2e-admin-token-0123456789';
const KERNEL = 'vmlinuz-cloud';
const INITRD = 'b2c-test-initramfs.cpio.gz';
const PROFILE = {
  name: 'firmware-pxe',
  kernel: KERNEL,
  initramfs: INITRD,
  kernelArgs: 'console=ttyS0 panic=-1',
  containers: ["docker.io/library/alpine:latest sh -c 'echo hello'"],
};
const BOOT_TIMEOUT_S = 240;
const LOG_DIR = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

interface TftpLogLine { file: string; bytes: number; error?: string; loopBroken?: boolean; ip: string }

describe('real firmware PXE → TFTP → iPXE → HTTP boot', { timeout: 900_000 }, () => {
  let ns: Netns;
  let work: string;
  let assets: BootAssets;
  const tftpLog: TftpLogLine[] = [];

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const args = ['-sS', '-X', method, '-H', `authorization: Bearer ${TOKEN}`, '-w', '\n%{http_code}'];
    if (body !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', JSON.stringify(body));
    const r = await ns.exec('curl', [...args, `${BASE}${path}`]);
    const nl = r.stdout.lastIndexOf('\n');
    const text = r.stdout.slice(0, nl);
    return { status: Number(r.stdout.slice(nl + 1)), body: text ? JSON.parse(text) : null };
  }

  before(async () => {
    assets = await ensureBootAssets();
    await mkdir(LOG_DIR, { recursive: true });
    work = await mkdtemp(join(tmpdir(), 'b2c-firmware-'));
    ns = await createNetns('pxe');
    for (const cmd of [
      ['link', 'add', 'br0', 'type', 'bridge'],
      ['addr', 'add', `${SERVER_IP}/24`, 'dev', 'br0'],
      // dnsmasq answers router solicitations from here: without IPv6 RA iPXE waits ~16 s (lab notes)
      ['-6', 'addr', 'add', 'fd77::1/64', 'dev', 'br0', 'nodad'],
      ['link', 'set', 'br0', 'up'],
      ['tuntap', 'add', 'dev', 'tap0', 'mode', 'tap'],
      ['link', 'set', 'tap0', 'master', 'br0'],
      ['link', 'set', 'tap0', 'up'],
    ]) await ns.exec('ip', cmd);

    const server = ns.spawn(process.execPath, ['bin/b2c-netboot.mjs', 'serve'], {
      env: {
        NETBOOT_DATA_DIR: join(work, 'data'),
        NETBOOT_HTTP_HOST: SERVER_IP,
        NETBOOT_HTTP_PORT: '8080',
        NETBOOT_PUBLIC_URL: BASE,
        NETBOOT_TFTP_HOST: SERVER_IP,
        NETBOOT_TFTP_PORT: '69',
        NETBOOT_S3_PORT: '0',
        NETBOOT_ADMIN_TOKEN: TOKEN,
        NETBOOT_LOG_LEVEL: 'debug', // TFTP transfers are logged at debug: the test reads them
      },
    });
    const serverLog = createWriteStream(join(LOG_DIR, 'firmware-pxe.server.log'));
    let pending = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      serverLog.write(chunk);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.includes('"tftp transfer"')) continue;
        tftpLog.push(JSON.parse(line) as TftpLogLine);
      }
    });
    server.stderr!.pipe(serverLog);

    for (let i = 0; ; i++) {
      const r = await ns.exec('curl', ['-sf', `${BASE}/healthz`], { allowFail: true });
      if (r.code === 0) break;
      if (i > 100) throw new Error('b2c-netboot did not come up in the namespace (see test-artifacts/e2e/firmware-pxe.server.log)');
      await new Promise((r) => setTimeout(r, 200));
    }

    for (const [name, kind, file] of [[KERNEL, 'kernel', assets.kernel], [INITRD, 'initramfs', assets.initramfs]]) {
      const r = await ns.exec('curl', ['-sS', '-X', 'PUT', '-H', `authorization: Bearer ${TOKEN}`, '-H', 'content-type: application/octet-stream',
        '-T', file, '-w', '%{http_code}', '-o', '/dev/null', `${BASE}/api/v1/artifacts/${name}?kind=${kind}`]);
      assert.ok(Number(r.stdout) < 300, `upload ${name}: ${r.stdout}`);
    }
    const created = await api('POST', '/api/v1/profiles', PROFILE);
    assert.equal(created.status, 201, JSON.stringify(created.body));

    const dnsmasq = ns.spawn('dnsmasq', [
      '--no-daemon', '--conf-file=/dev/null', '--port=0', '--no-resolv', '--no-hosts', '--interface=br0', '--bind-interfaces',
      '--dhcp-range=192.168.77.100,192.168.77.150,255.255.255.0,10m', `--dhcp-leasefile=${join(work, 'leases')}`,
      `--pid-file=${join(work, 'dnsmasq.pid')}`, '--log-dhcp', '--log-facility=-', '--no-ping',
      '--dhcp-option=encap:175,176,1', '--enable-ra', '--dhcp-range=::,constructor:br0,ra-only',
      '--dhcp-userclass=set:ipxe,iPXE',
      '--dhcp-match=set:efi64,option:client-arch,7',
      '--dhcp-match=set:efi64,option:client-arch,9',
      // UEFI: the README recipe, loop broken by DHCP
      `--dhcp-boot=tag:efi64,tag:ipxe,${BASE}/boot.ipxe`,
      `--dhcp-boot=tag:efi64,tag:!ipxe,snponly.efi,,${SERVER_IP}`,
      // BIOS: always undionly.kpxe, even to iPXE: the server has to break the loop itself
      `--dhcp-boot=tag:!efi64,undionly.kpxe,,${SERVER_IP}`,
    ]);
    const dnsmasqLog = createWriteStream(join(LOG_DIR, 'firmware-pxe.dnsmasq.log'));
    dnsmasq.stdout!.pipe(dnsmasqLog);
    dnsmasq.stderr!.pipe(dnsmasqLog);
  });

  after(async () => {
    await ns?.destroy();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Boots one VM on tap0 until the test initramfs reports it is done; returns its report and serial log path. */
  async function boot(name: string, qemuArgs: string[]): Promise<{ report: BootReport; serialLog: string }> {
    const serialLog = join(LOG_DIR, `firmware-pxe-${name}.serial.log`);
    const out = createWriteStream(serialLog);
    const vm = ns.spawn('timeout', ['--kill-after=5', String(BOOT_TIMEOUT_S), 'qemu-system-x86_64', ...qemuArgs]);
    let serial = '';
    vm.stdout!.on('data', (c: Buffer) => {
      out.write(c);
      serial += c.toString('latin1').replace(/\r/g, '');
    });
    vm.stderr!.on('data', (c: Buffer) => out.write(c));
    const code = await new Promise<number | null>((resolve) => vm.once('exit', resolve));
    out.end();
    assert.match(serial, DONE_MARKER, `${name}: the guest never finished (exit ${code}); serial log ${serialLog}`);
    assert.equal(code, 0, `${name}: the guest powered off cleanly (serial log ${serialLog})`);
    return { report: parseBootReport(serial), serialLog };
  }

  async function latestSession(mac: string): Promise<{ kernelCmdline: string; clientIp: string | null }> {
    const r = await api('GET', `/api/v1/machines/${mac}/sessions`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.length >= 1, `no boot session for ${mac}`);
    return r.body[0];
  }

  const netdev = ['-netdev', 'tap,id=n0,ifname=tap0,script=no,downscript=no'];

  test('BIOS: iPXE ROM → TFTP undionly.kpxe → server loop breaker → HTTP → kernel', async () => {
    const mac = '52:54:00:77:00:01';
    const m = await api('PUT', `/api/v1/machines/${mac}`, { name: 'bios-vm', profile: PROFILE.name });
    assert.ok(m.status < 300, JSON.stringify(m.body));
    const { report, serialLog } = await boot('bios', [
      '-accel', 'tcg', '-machine', 'graphics=off', '-m', '512', '-no-reboot', '-nographic',
      ...netdev, '-device', `virtio-net-pci,netdev=n0,mac=${mac}`, '-boot', 'n',
    ]);
    assert.deepEqual(report.failures, [], `guest-side failures (serial: ${serialLog})`);
    const session = await latestSession(mac);
    assert.equal(report.cmdline, `initrd=${INITRD} ${session.kernelCmdline}`);

    // The TFTP leg really happened: the binary in full, then the chain script in its place.
    const transfers = tftpLog.filter((t) => t.file === 'undionly.kpxe');
    const full = transfers.findIndex((t) => !t.error && !t.loopBroken && t.bytes > 50_000);
    assert.ok(full >= 0, `undionly.kpxe was never served in full: ${JSON.stringify(transfers)}`);
    assert.ok(transfers.slice(full + 1).some((t) => t.loopBroken && !t.error), `no loop-broken repeat: ${JSON.stringify(transfers)}`);
  });

  test('UEFI: OVMF PXE (no NIC ROM) → TFTP snponly.efi → iPXE → HTTP → kernel', async () => {
    const mac = '52:54:00:77:00:02';
    const m = await api('PUT', `/api/v1/machines/${mac}`, { name: 'uefi-vm', profile: PROFILE.name });
    assert.ok(m.status < 300, JSON.stringify(m.body));
    const vars = join(work, 'OVMF_VARS.fd');
    await copyFile(OVMF_VARS, vars);
    const { report, serialLog } = await boot('uefi', [
      '-machine', 'q35,accel=tcg', '-m', '1024', '-no-reboot', '-nographic',
      '-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${vars}`,
      ...netdev, '-device', `virtio-net-pci,netdev=n0,mac=${mac},romfile=`,
    ]);
    assert.deepEqual(report.failures, [], `guest-side failures (serial: ${serialLog})`);
    const session = await latestSession(mac);
    // An EFI kernel's /proc/cmdline starts with the image's own name (lab notes): compare the rest.
    assert.ok(report.cmdline?.endsWith(` initrd=${INITRD} ${session.kernelCmdline}`), `guest: ${report.cmdline}\nserver: ${session.kernelCmdline}`);

    const efi = tftpLog.filter((t) => t.file === 'snponly.efi');
    assert.ok(efi.some((t) => !t.error && !t.loopBroken && t.bytes > 100_000), `snponly.efi was never served in full: ${JSON.stringify(efi)}`);
  });
});
