// The serial-console parser the real-boot tests rely on (test/helpers/boot-report.ts): what the test
// initramfs prints, as the tty delivers it (CRLF, kernel noise around the markers).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { DONE_MARKER, parseBootReport } from '../helpers/boot-report.ts';

const DOC = `b2c.run="docker.io/library/alpine:latest sh -c 'echo hello world'"\nb2c.volume="work"\nb2c.hostname="é"`;

function serialFor(doc: string, { status = 0, base64 = Buffer.from(doc).toString('base64') } = {}): string {
  const sha = createHash('sha256').update(doc).digest('hex');
  return [
    '[    1.559462] Run /init as init process',
    '===B2C-TEST CMDLINE-BEGIN===',
    'initrd=x.cpio.gz console=ttyS0 panic=-1 b2c.extra_args_url=http://10.0.2.2:8080/b2c/tok',
    '===B2C-TEST CMDLINE-END===',
    `===B2C-TEST EXTRA-ARGS-SHA256 ${sha} bytes=${Buffer.byteLength(doc)}===`,
    '===B2C-TEST EXTRA-ARGS-BASE64-BEGIN===',
    ...(base64.match(/.{1,76}/g) ?? []),
    '===B2C-TEST EXTRA-ARGS-BASE64-END===',
    '===B2C-TEST EXTRA-ARGS-BEGIN===',
    doc,
    '===B2C-TEST EXTRA-ARGS-END===',
    `===B2C-TEST DONE status=${status} uptime=2.91===`,
    '[    2.960109] reboot: Power down',
  ].join('\r\n');
}

describe('parseBootReport', () => {
  test('reads the cmdline and the exact document bytes through CRLF line endings', () => {
    const r = parseBootReport(serialFor(DOC));
    assert.equal(r.cmdline, 'initrd=x.cpio.gz console=ttyS0 panic=-1 b2c.extra_args_url=http://10.0.2.2:8080/b2c/tok');
    assert.equal(r.extraArgs?.text, DOC);
    assert.equal(r.extraArgs?.bytes, Buffer.byteLength(DOC));
    assert.equal(r.status, 0);
    assert.deepEqual(r.failures, []);
  });

  test('a document whose serial copy does not match the guest sha256 is an error, not a value', () => {
    const tampered = Buffer.from(DOC.replace('hello', 'HELLO')).toString('base64');
    assert.throws(() => parseBootReport(serialFor(DOC, { base64: tampered })), /damaged/);
  });

  test('failure markers and a non-zero status are reported', () => {
    const serial = [
      '===B2C-TEST CMDLINE-BEGIN===', 'console=ttyS0', '===B2C-TEST CMDLINE-END===',
      '===B2C-TEST INSMOD-FAILED virtio_net===',
      '===B2C-TEST DHCP-FAILED eth0===',
      '===B2C-TEST DONE status=3 uptime=1.98===',
    ].join('\n');
    const r = parseBootReport(serial);
    assert.equal(r.extraArgs, undefined);
    assert.equal(r.status, 3);
    assert.deepEqual(r.failures, ['INSMOD-FAILED virtio_net', 'DHCP-FAILED eth0']);
  });

  test('an unfinished boot has no status and no half-read blocks', () => {
    const r = parseBootReport('===B2C-TEST CMDLINE-BEGIN===\nconsole=ttyS0');
    assert.equal(r.cmdline, undefined);
    assert.equal(r.status, undefined);
    assert.equal(DONE_MARKER.test('===B2C-TEST DONE status=0 uptime=1.5==='), true);
  });
});
