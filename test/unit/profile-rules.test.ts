import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BootMachine } from '../../server/src/domain/cmdline.ts';
import { validateMachineForProfile, validateProfile } from '../../server/src/domain/profile-rules.ts';
import type { FieldError, ProfileSpec } from '../../server/src/domain/types.ts';

const base: ProfileSpec = {
  name: 'ci', kernel: 'linux-x86_64', initramfs: 'https://example.org/b2c/initramfs.linux_amd64.cpio.xz',
  containers: ['docker://alpine:3 echo {{machine.name}} {{var.SITE}}'],
  volumes: [{ name: 'cache', pullOn: ['pipeline_start'], pushOn: ['changes'] }],
  b2c: { hostname: '{{machine.name}}', cacheDevice: 'auto' }, kernelArgs: 'console=ttyS0 site={{var.SITE}}',
};
const p = (patch: Partial<ProfileSpec>): ProfileSpec => ({ ...base, ...patch });

const profiles: { name: string; input: ProfileSpec; want: FieldError | { field: string; message: RegExp } | null }[] = [
  { name: 'valid profile with placeholders and volumes', input: base, want: null },
  { name: 'valid: 5000-byte stage (document only)', input: p({ containers: [`docker://x echo ${'z'.repeat(5000)}`] }), want: null },
  { name: 'valid: arm64 with a 3000-byte kernel line', input: p({ arch: 'arm64', kernelArgs: `x=${'a'.repeat(3000)}` }), want: null },
  { name: 'kernel: ftp URL', input: p({ kernel: 'ftp://h/k' }), want: { field: 'kernel', message: /http/ } },
  { name: 'kernel: empty', input: p({ kernel: '' }), want: { field: 'kernel', message: /artifact/ } },
  { name: 'initramfs: space', input: p({ initramfs: 'my initrd' }), want: { field: 'initramfs', message: /spaces/ } },
  { name: 'initramfs: ${…}', input: p({ initramfs: 'http://h/${x}' }), want: { field: 'initramfs', message: /\$\{/ } },
  { name: 'initramfs: quote', input: p({ initramfs: 'a"b' }), want: { field: 'initramfs', message: /quotes/ } },
  { name: 'unknown arch', input: p({ arch: 'sparc' as never }), want: { field: 'arch', message: /sparc/ } },
  { name: 'quote in a stage', input: p({ containers: ['docker://x echo "hi"'] }), want: { field: 'containers[0]', message: /double quote/ } },
  { name: 'unknown placeholder', input: p({ services: ['docker://x {{machine.serial}}'] }), want: { field: 'services[0]', message: /unknown placeholder/ } },
  { name: 'bad volume name', input: p({ volumes: [{ name: 'a b' }] }), want: { field: 'volumes[0].name', message: /volume name/ } },
  { name: 'bad volume condition', input: p({ volumes: [{ name: 'a', pushOn: ['later' as never] }] }), want: { field: 'volumes[0].pushOn[0]', message: /unknown condition/ } },
  { name: 'kernel line over x86_64 limit', input: p({ kernelArgs: `x=${'a'.repeat(2000)}` }), want: { field: 'kernelArgs', message: /over the x86_64 limit of 2047 bytes/ } },
  {
    name: 'kernel line fits with a short name but not with the longest one',
    // 1800 bytes of arguments plus {{machine.name}} on the kernel line: fine for "n1", over for a 63-character name.
    input: p({ kernelArgs: `x=${'a'.repeat(1850)} host={{machine.name}}` }),
    want: { field: 'kernelArgs', message: /over the x86_64 limit/ },
  },
];
for (const c of profiles) {
  test(`validateProfile: ${c.name}`, () => {
    const got = validateProfile(c.input);
    if (c.want === null) return assert.equal(got, null, JSON.stringify(got));
    assert.ok(got, 'expected a refusal');
    assert.equal(got.field, c.want.field, got.message);
    if (c.want.message instanceof RegExp) assert.match(got.message, c.want.message);
  });
}

const URL_ = 'http://192.168.1.10:8080/b2c/0123456789abcdef0123';
const m = (patch: Partial<BootMachine>): BootMachine => ({ mac: '52:54:00:12:34:56', name: 'n1', variables: { SITE: 'lab' }, ...patch });

const machines: { name: string; profile?: ProfileSpec; input: BootMachine; want: { field: string; message: RegExp } | null }[] = [
  { name: 'valid machine', input: m({}), want: null },
  { name: 'hyphenated MAC is fine', input: m({ mac: '52-54-00-12-34-56' }), want: null },
  { name: 'the near-limit profile above is fine for a short name', profile: p({ kernelArgs: `x=${'a'.repeat(1850)} host={{machine.name}}` }), input: m({}), want: null },
  { name: 'bad MAC', input: m({ mac: 'nope' }), want: { field: 'mac', message: /not a MAC/ } },
  { name: 'bad variable name', input: m({ variables: { SITE: 'lab', '1x': 'a' } }), want: { field: 'variables.1x', message: /variable names/ } },
  { name: 'variable with a quote', input: m({ variables: { SITE: 'a"b' } }), want: { field: 'variables.SITE', message: /double quote/ } },
  { name: 'variable with a newline', input: m({ variables: { SITE: 'a\nb2c.run=x' } }), want: { field: 'variables.SITE', message: /control/ } },
  { name: 'variable the profile needs is missing', input: m({ variables: {} }), want: { field: 'profile.kernelArgs', message: /no variable "SITE"/ } },
  { name: 'unnamed machine, profile uses its name', input: m({ name: null }), want: { field: 'profile.b2c.hostname', message: /no name/ } },
  { name: 'variable with a space lands on the kernel line', input: m({ variables: { SITE: 'a b' } }), want: { field: 'profile.kernelArgs', message: /iPXE/ } },
  { name: 'long variable pushes the kernel line over the limit', input: m({ variables: { SITE: 'a'.repeat(2100) } }), want: { field: 'profile.kernelArgs', message: /over the x86_64 limit of 2047/ } },
  { name: 'machine kernel args over the limit', input: m({ kernelArgs: `y=${'b'.repeat(2100)}` }), want: { field: 'kernelArgs', message: /over the x86_64 limit/ } },
  { name: 'machine kernel args with ${}', input: m({ kernelArgs: 'a=${uuid}' }), want: { field: 'kernelArgs', message: /iPXE/ } },
  { name: 'machine iface override with a space', input: m({ b2c: { iface: ['eth0, auto'] } }), want: { field: 'b2c.iface[0]', message: /iPXE/ } },
  { name: 'machine extra overriding a managed key', input: m({ b2c: { extra: { run: 'docker://evil' } } }), want: { field: 'b2c.extra.run', message: /managed/ } },
];
for (const c of machines) {
  test(`validateMachineForProfile: ${c.name}`, () => {
    const got = validateMachineForProfile(c.profile ?? base, c.input, URL_);
    if (c.want === null) return assert.equal(got, null, JSON.stringify(got));
    assert.ok(got, 'expected a refusal');
    assert.equal(got.field, c.want.field, got.message);
    assert.match(got.message, c.want.message);
  });
}
