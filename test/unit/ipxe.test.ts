// iPXE rendering: the token-safety predicate as a table, every script against a golden file, and the renderers
// refusing (throwing) on values that validation should have stopped. Regenerate goldens after an intended
// change with UPDATE_GOLDEN=1 and review the diff.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildB2cBoot, bootImageName } from '../../server/src/domain/cmdline.ts';
import {
  isIpxeSafeToken, renderBootScript, renderBootstrapScript, renderDisabledScript, renderErrorScript,
  renderExitScript, renderRetryScript,
} from '../../server/src/domain/ipxe.ts';

const safety: { name: string; input: string; want: boolean }[] = [
  { name: 'plain argument', input: 'console=ttyS0,115200', want: true },
  { name: 'absolute URL with a query', input: 'http://10.0.2.2:8080/ipxe?a=1&b=2', want: true },
  { name: '; & | inside a token', input: 'a;b&&c||d', want: true },
  { name: '# not at the start', input: 'a#b', want: true },
  { name: 'dollar without brace', input: 'a$b', want: true },
  { name: 'empty', input: '', want: false },
  { name: 'space', input: 'a b', want: false },
  { name: 'tab', input: 'a\tb', want: false },
  { name: 'newline', input: 'a\nkernel evil', want: false },
  { name: 'NUL', input: 'a\u0000', want: false },
  { name: 'DEL', input: 'a\u007f', want: false },
  { name: 'setting expansion', input: 'x=${net0/mac}', want: false },
  { name: 'leading # (comment)', input: '#x', want: false },
  { name: 'standalone ;', input: ';', want: false },
  { name: 'standalone &&', input: '&&', want: false },
  { name: 'standalone ||', input: '||', want: false },
  { name: 'non-ASCII', input: 'héllo', want: false },
];
for (const c of safety) {
  test(`isIpxeSafeToken: ${c.name}`, () => assert.equal(isIpxeSafeToken(c.input), c.want));
}

function golden(name: string, actual: string): void {
  const path = new URL(`golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'), `differs from test/unit/golden/${name}`);
}

const PUBLIC = 'http://10.0.2.2:8080';

const scripts: { name: string; file: string; render: () => string }[] = [
  { name: 'bootstrap (trailing slash trimmed)', file: 'bootstrap.ipxe', render: () => renderBootstrapScript(`${PUBLIC}/`) },
  {
    name: 'boot',
    file: 'boot.ipxe',
    render: () => renderBootScript({
      kernelUrl: `${PUBLIC}/artifacts/linux-x86_64`,
      initrdUrl: `${PUBLIC}/artifacts/initramfs.linux_amd64.cpio.xz`,
      initrdName: 'initramfs.linux_amd64.cpio.xz',
      kernelCmdline: `console=ttyS0 b2c.cache_device=auto b2c.extra_args_url=${PUBLIC}/b2c/0123456789abcdef`,
    }),
  },
  {
    name: 'retry (unknown machine)',
    file: 'retry.ipxe',
    render: () => renderRetryScript({ mac: '52:54:00:12:34:56', retrySeconds: 30, chainUrl: `${PUBLIC}/boot.ipxe`, message: 'unknown machine, recorded as discovered; assign it a profile' }),
  },
  { name: 'disabled', file: 'disabled.ipxe', render: () => renderDisabledScript({ mac: '52:54:00:12:34:56', message: 'this machine is disabled' }) },
  { name: 'exit', file: 'exit.ipxe', render: () => renderExitScript('no profile for unknown machines, booting the next device') },
  { name: 'error', file: 'error.ipxe', render: () => renderErrorScript('server error, see the server log', 60, `${PUBLIC}/boot.ipxe`) },
];
for (const s of scripts) {
  test(`golden script: ${s.name}`, () => {
    const text = s.render();
    assert.ok(text.startsWith('#!ipxe\n'));
    assert.ok(text.endsWith('\n'));
    golden(s.file, text);
  });
}

test('golden: a full profile, kernel line + boot script + extra document, as one file', () => {
  const profile = {
    name: 'ci', kernel: 'linux-x86_64', initramfs: 'https://example.org/b2c/v0.9.15/initramfs.linux_amd64.cpio.xz',
    containers: ['-v cache:/cache docker://registry.example/ci/runner:1 run --host {{machine.name}}', "docker://alpine:3 sh -c 'ls /cache | wc -l'"],
    postContainers: ['-v cache:/cache docker://alpine:3 du -sh /cache'], services: ['docker://registry.example/ci/exporter:2'],
    pipefail: true,
    volumes: [{ name: 'cache', pullOn: ['pipeline_start' as const], pushOn: ['pipeline_end' as const], overwrite: true, remove: true, exclude: ['*.tmp'] }],
    b2c: { ntpPeer: 'auto', cacheDevice: 'auto', swap: '2G', hostname: '{{machine.name}}', poweroffDelay: 5, iface: ['eth0,auto'] },
    kernelArgs: 'console=ttyS0,115200 loglevel=6',
  };
  const r = buildB2cBoot({
    profile, machine: { mac: '52:54:00:12:34:56', name: 'runner-7', kernelArgs: 'panic=-1' },
    extraArgsUrl: `${PUBLIC}/b2c/0123456789abcdef`,
    s3: { alias: 'netboot', url: 'http://10.0.2.2:9000', accessKey: 'NB0123456789ABCDEF01', secretKey: 'SECRET0123', bucket: 'netboot', prefix: 'machines/525400123456' },
  });
  assert.ok(r.ok, JSON.stringify(r));
  const script = renderBootScript({
    kernelUrl: `${PUBLIC}/artifacts/${profile.kernel}`, initrdUrl: profile.initramfs,
    initrdName: bootImageName(profile.initramfs), kernelCmdline: r.boot.kernelCmdline,
  });
  golden('full-profile.txt', `# kernel line: ${r.boot.kernelCmdlineBytes}/${r.boot.kernelCmdlineLimit} bytes\n${script}# extra document\n${r.boot.extraArgs}`);
});

const refusals: { name: string; render: () => string; want: RegExp }[] = [
  { name: 'relative public URL', render: () => renderBootstrapScript('/boot'), want: /absolute/ },
  { name: 'public URL with a space', render: () => renderBootstrapScript('http://a b'), want: /public URL/ },
  { name: 'public URL with ${', render: () => renderBootstrapScript('http://${x}'), want: /public URL/ },
  { name: 'kernel URL with a space', render: () => renderBootScript({ kernelUrl: 'http://h/a b', initrdUrl: 'http://h/i', initrdName: 'i', kernelCmdline: '' }), want: /kernel URL/ },
  { name: 'initrd name with ${', render: () => renderBootScript({ kernelUrl: 'http://h/k', initrdUrl: 'http://h/i', initrdName: '${x}', kernelCmdline: '' }), want: /initrd name/ },
  { name: 'kernel argument starting with #', render: () => renderBootScript({ kernelUrl: 'http://h/k', initrdUrl: 'http://h/i', initrdName: 'i', kernelCmdline: 'a #b' }), want: /kernel argument/ },
  { name: 'kernel line with a double space (not built by buildB2cBoot)', render: () => renderBootScript({ kernelUrl: 'http://h/k', initrdUrl: 'http://h/i', initrdName: 'i', kernelCmdline: 'a  b' }), want: /kernel argument/ },
  { name: 'message with a comment word', render: () => renderExitScript('bye #now'), want: /message word/ },
  { name: 'message with a separator', render: () => renderExitScript('bye ; reboot'), want: /message word/ },
  { name: 'zero retry delay', render: () => renderErrorScript('x', 0, `${PUBLIC}/boot.ipxe`), want: /positive integer/ },
  { name: 'relative chain URL', render: () => renderRetryScript({ mac: '52:54:00:12:34:56', retrySeconds: 5, chainUrl: '/boot.ipxe', message: 'x' }), want: /absolute/ },
  { name: 'MAC with ${', render: () => renderDisabledScript({ mac: '${mac}', message: 'x' }), want: /MAC/ },
];
for (const c of refusals) {
  test(`renderers throw on unsafe input: ${c.name}`, () => assert.throws(c.render, c.want));
}
