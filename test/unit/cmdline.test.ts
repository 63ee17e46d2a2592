// The b2c builder, table-driven: each case patches a small valid profile/machine and states the kernel line and
// extra document it must produce, or the field and message it must be refused with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bootImageName, buildB2cBoot, KERNEL_CMDLINE_LIMITS, redactExtraArgs,
  type B2cBuildInput, type BootMachine, type S3Access,
} from '../../server/src/domain/cmdline.ts';
import type { ProfileSpec } from '../../server/src/domain/types.ts';

const URL_ = 'http://10.0.2.2:8080/b2c/0123456789abcdef';
const S3: S3Access = {
  alias: 'netboot', url: 'http://10.0.2.2:9000', accessKey: 'NB0123456789ABCDEF01',
  secretKey: '0123456789abcdef0123456789abcdef01234567', bucket: 'netboot', prefix: 'machines/525400123456',
};

function profile(patch: Partial<ProfileSpec> = {}): ProfileSpec {
  return { name: 'p', kernel: 'linux-x86_64', initramfs: 'initramfs.linux_amd64.cpio.xz', containers: ['docker://alpine:3 echo hi'], ...patch };
}
function machine(patch: Partial<BootMachine> = {}): BootMachine {
  return { mac: '52:54:00:12:34:56', name: 'node-1', ...patch };
}

/** Bytes `linux-x86_64 initrd=initramfs.linux_amd64.cpio.xz ` adds to every kernel line of these fixtures. */
const PREFIX_BYTES = 'linux-x86_64 initrd=initramfs.linux_amd64.cpio.xz '.length;
const TAIL = `b2c.extra_args_url=${URL_}`;
/** kernelArgs that make the line exactly `total` bytes long. */
function argsOfTotal(total: number): string {
  const fill = total - PREFIX_BYTES - TAIL.length - 1 - 'x='.length;
  return `x=${'a'.repeat(fill)}`;
}

type Want =
  | { kernel?: string; doc?: string; docIncludes?: string[]; bytes?: number; limit?: number }
  | { error: { field: string; message?: RegExp } };

interface Case { name: string; input: { profile?: Partial<ProfileSpec>; machine?: Partial<BootMachine>; s3?: S3Access | null }; want: Want }

const stage5000 = `docker://registry.example/big:1 sh -c 'echo ${'y'.repeat(5000)}'`;

const cases: Case[] = [
  // --- shape of the output
  { name: 'minimal profile, run dialect', input: {}, want: { kernel: TAIL, doc: 'b2c.run="docker://alpine:3 echo hi"\n' } },
  {
    name: 'pipeline order and names, run dialect',
    input: { profile: { containers: ['a:1', 'b:2'], postContainers: ['post:1'], services: ['svc:1'] } },
    want: { doc: 'b2c.run_service="svc:1"\nb2c.run="a:1"\nb2c.run="b:2"\nb2c.run_post="post:1"\n' },
  },
  {
    name: 'container dialect (b2c 0.9.x names)',
    input: { profile: { b2cDialect: 'container', containers: ['a:1'], postContainers: ['post:1'], services: ['svc:1'] } },
    want: { doc: 'b2c.service="svc:1"\nb2c.container="a:1"\nb2c.post_container="post:1"\n' },
  },
  {
    name: 'kernel line order: profile args, machine args, boot-critical b2c options, extra_args_url last',
    input: {
      profile: {
        kernelArgs: 'console=ttyS0,115200   loglevel=6',
        b2c: { insmods: 'virtio_net', swap: '4G', cacheDevice: 'auto', ntpPeer: 'pool.ntp.org', iface: ['eth0,auto'], filesystem: ['cache,src=/dev/sda1,type=ext4,opts=noatime|rw'] },
      },
      machine: { kernelArgs: 'quiet' },
    },
    want: {
      kernel: 'console=ttyS0,115200 loglevel=6 quiet b2c.ntp_peer=pool.ntp.org b2c.cache_device=auto b2c.swap=4G ' +
        `b2c.insmods=virtio_net b2c.filesystem=cache,src=/dev/sda1,type=ext4,opts=noatime|rw b2c.iface=eth0,auto ${TAIL}`,
      doc: 'b2c.run="docker://alpine:3 echo hi"\n',
    },
  },
  {
    name: 'system options go to the document; pipefail is a bare flag',
    input: { profile: { pipefail: true, b2c: { hostname: 'lab', poweroffDelay: 15, extra: { keymap: 'fr', shutdown_cmd: 'poweroff -f' } } } },
    want: {
      kernel: TAIL,
      doc: 'b2c.hostname="lab"\nb2c.poweroff_delay="15"\nb2c.pipefail\nb2c.keymap="fr"\nb2c.shutdown_cmd="poweroff -f"\nb2c.run="docker://alpine:3 echo hi"\n',
    },
  },
  {
    name: 'machine overrides: scalars win, lists replace, extra merges key by key',
    input: {
      profile: { b2c: { swap: '1G', ntpPeer: 'auto', iface: ['eth0,auto', 'eth1,auto'], extra: { keymap: 'fr', reboot_cmd: 'reboot -f' } } },
      machine: { b2c: { swap: '8G', iface: ['enp3s0,auto'], extra: { keymap: 'de' } } },
    },
    want: {
      kernel: `b2c.ntp_peer=auto b2c.swap=8G b2c.iface=enp3s0,auto ${TAIL}`,
      doc: 'b2c.keymap="de"\nb2c.reboot_cmd="reboot -f"\nb2c.run="docker://alpine:3 echo hi"\n',
    },
  },
  {
    name: 'unicode and ${x} in a stage reach the document unchanged (b2c evals stages, iPXE never sees them)',
    input: { profile: { containers: ["-e GREETING=héllo✓ docker://alpine sh -c 'echo ${GREETING} #1 ; true && false || true'"] } },
    want: { kernel: TAIL, doc: 'b2c.run="-e GREETING=héllo✓ docker://alpine sh -c \'echo ${GREETING} #1 ; true && false || true\'"\n' },
  },
  {
    name: 'a 5000-byte stage goes to the document, the kernel line stays short',
    input: { profile: { containers: [stage5000] } },
    want: { kernel: TAIL, doc: `b2c.run="${stage5000}"\n`, bytes: PREFIX_BYTES + TAIL.length },
  },
  {
    name: 'placeholders in stages, hostname and kernel args',
    input: {
      profile: { containers: ['-e SITE={{var.SITE}} docker://alpine echo {{ machine.name }} {{machine.mac}} {{machine.machex}}'], b2c: { hostname: '{{machine.name}}' }, kernelArgs: 'site={{ var.SITE }}' },
      machine: { variables: { SITE: 'lab-2' } },
    },
    want: {
      kernel: `site=lab-2 ${TAIL}`,
      doc: 'b2c.hostname="node-1"\nb2c.run="-e SITE=lab-2 docker://alpine echo node-1 52:54:00:12:34:56 525400123456"\n',
    },
  },
  // --- volumes
  {
    name: 'volumes with S3: one minio alias, then full mirror specs',
    input: {
      profile: {
        volumes: [
          { name: 'cache', pullOn: ['pipeline_start'], pushOn: ['changes'], overwrite: true, remove: true, preserve: true, exclude: ['*.tmp', 'build/[ab]?'], expiration: 'never' },
          { name: 'scratch', expiration: 'pipeline_end' },
        ],
      },
      s3: S3,
    },
    want: {
      kernel: TAIL,
      doc: `b2c.minio="netboot,http://10.0.2.2:9000,${S3.accessKey},${S3.secretKey}"\n` +
        'b2c.volume="cache,mirror=netboot/netboot/machines/525400123456/cache,pull_on=pipeline_start,push_on=changes,overwrite,remove,preserve,exclude=*.tmp,exclude=build/[ab]?,expiration=never"\n' +
        'b2c.volume="scratch,mirror=netboot/netboot/machines/525400123456/scratch,expiration=pipeline_end"\n' +
        'b2c.run="docker://alpine:3 echo hi"\n',
    },
  },
  {
    name: 'volumes without S3: local volumes, no minio line, no secrets',
    input: { profile: { volumes: [{ name: 'cache', pullOn: ['pipeline_start', 'container_start'], pushOn: ['pipeline_end'], expiration: 'pipeline_end' }] }, s3: null },
    want: { doc: 'b2c.volume="cache,expiration=pipeline_end"\nb2c.run="docker://alpine:3 echo hi"\n' },
  },
  { name: 'S3 access but no volumes: no credentials handed out', input: { s3: S3 }, want: { doc: 'b2c.run="docker://alpine:3 echo hi"\n' } },
  // --- kernel line length, per architecture
  { name: 'x86_64: exactly 2047 bytes is accepted', input: { profile: { kernelArgs: argsOfTotal(2047) } }, want: { bytes: 2047, limit: 2047 } },
  { name: 'x86_64: 2048 bytes is refused, naming the limit and the count', input: { profile: { kernelArgs: argsOfTotal(2048) } }, want: { error: { field: 'kernelArgs', message: /2048 bytes, over the x86_64 limit of 2047 bytes/ } } },
  { name: 'riscv64: 1100 bytes is refused', input: { profile: { arch: 'riscv64', kernelArgs: argsOfTotal(1100) } }, want: { error: { field: 'kernelArgs', message: /1100 bytes, over the riscv64 limit of 1023/ } } },
  { name: 'arm64: 3000 bytes is fine', input: { profile: { arch: 'arm64', kernelArgs: argsOfTotal(3000) } }, want: { bytes: 3000, limit: 4095 } },
  { name: 'arm64: 4096 bytes is refused', input: { profile: { arch: 'arm64', kernelArgs: argsOfTotal(4096) } }, want: { error: { field: 'kernelArgs', message: /4096 bytes, over the arm64 limit of 4095/ } } },
  {
    name: 'over the limit: blames the largest contributor (the machine override here)',
    input: { profile: { kernelArgs: 'console=ttyS0' }, machine: { kernelArgs: argsOfTotal(2100) } },
    want: { error: { field: 'machine.kernelArgs', message: /over the x86_64 limit/ } },
  },
  // --- hostile values
  { name: 'double quote in a stage', input: { profile: { containers: ['a:1', 'docker://alpine echo "hi"'] } }, want: { error: { field: 'containers[1]', message: /double quote/ } } },
  { name: 'backslash in a stage', input: { profile: { containers: ['docker://alpine printf a\\nb'] } }, want: { error: { field: 'containers[0]', message: /backslash/ } } },
  { name: 'newline in a post-container', input: { profile: { postContainers: ['docker://alpine\nb2c.run=evil'] } }, want: { error: { field: 'postContainers[0]', message: /control/ } } },
  { name: 'tab in a service', input: { profile: { services: ['docker://alpine\tsleep'] } }, want: { error: { field: 'services[0]', message: /control/ } } },
  { name: 'NUL in hostname', input: { profile: { b2c: { hostname: 'a\u0000b' } } }, want: { error: { field: 'b2c.hostname', message: /control/ } } },
  { name: 'empty stage', input: { profile: { containers: ['  '] } }, want: { error: { field: 'containers[0]' } } },
  { name: 'no stages', input: { profile: { containers: [] } }, want: { error: { field: 'containers', message: /at least one/ } } },
  { name: '${x} on the kernel line (iPXE would expand it)', input: { profile: { kernelArgs: 'a=${net0/mac}' } }, want: { error: { field: 'kernelArgs', message: /iPXE/ } } },
  { name: 'token starting with # (iPXE comment)', input: { profile: { kernelArgs: 'console=ttyS0 #rest' } }, want: { error: { field: 'kernelArgs', message: /iPXE/ } } },
  { name: 'standalone ; (iPXE separator)', input: { profile: { kernelArgs: 'a=1 ; reboot' } }, want: { error: { field: 'kernelArgs' } } },
  { name: 'standalone && (iPXE separator)', input: { machine: { kernelArgs: 'a=1 && reboot' } }, want: { error: { field: 'machine.kernelArgs' } } },
  { name: 'standalone || (iPXE separator)', input: { profile: { kernelArgs: '|| shell' } }, want: { error: { field: 'kernelArgs' } } },
  { name: '; & | inside a token are plain characters', input: { profile: { kernelArgs: 'a=1;2 b=x&&y c=p|q' } }, want: { kernel: `a=1;2 b=x&&y c=p|q ${TAIL}` } },
  { name: 'quote on the kernel line', input: { profile: { kernelArgs: 'a="x y"' } }, want: { error: { field: 'kernelArgs', message: /double quote/ } } },
  { name: 'tab between kernel args', input: { profile: { kernelArgs: 'a=1\tb=2' } }, want: { error: { field: 'kernelArgs', message: /control/ } } },
  { name: 'non-ASCII on the kernel line', input: { profile: { kernelArgs: 'name=é' } }, want: { error: { field: 'kernelArgs', message: /iPXE/ } } },
  { name: 'space inside an iface spec', input: { profile: { b2c: { iface: ['eth0,auto', 'eth1, auto'] } } }, want: { error: { field: 'b2c.iface[1]', message: /iPXE/ } } },
  { name: 'backslash in a filesystem spec', input: { machine: { b2c: { filesystem: ['c,src=\\dev'] } } }, want: { error: { field: 'machine.b2c.filesystem[0]', message: /backslash/ } } },
  { name: 'empty cache device', input: { profile: { b2c: { cacheDevice: '' } } }, want: { error: { field: 'b2c.cacheDevice', message: /empty/ } } },
  { name: 'kernel args may not redirect the extra document', input: { machine: { kernelArgs: 'b2c.extra_args_url=http://evil/' } }, want: { error: { field: 'machine.kernelArgs', message: /set by the server/ } } },
  { name: 'extra may not set a managed option', input: { profile: { b2c: { extra: { minio: 'x,y,z,w' } } } }, want: { error: { field: 'b2c.extra.minio', message: /managed/ } } },
  { name: 'extra may not smuggle a stage of the other dialect', input: { machine: { b2c: { extra: { container: 'evil' } } } }, want: { error: { field: 'machine.b2c.extra.container' } } },
  { name: 'extra key must be a plain name', input: { profile: { b2c: { extra: { 'x=y b2c.run': '1' } } } }, want: { error: { field: 'b2c.extra.x=y b2c.run' } } },
  { name: 'negative poweroff delay', input: { profile: { b2c: { poweroffDelay: -1 } } }, want: { error: { field: 'b2c.poweroffDelay' } } },
  { name: 'fractional poweroff delay', input: { machine: { b2c: { poweroffDelay: 1.5 } } }, want: { error: { field: 'machine.b2c.poweroffDelay' } } },
  { name: 'unknown dialect', input: { profile: { b2cDialect: 'docker' as never } }, want: { error: { field: 'b2cDialect' } } },
  { name: 'dialect named like an Object property', input: { profile: { b2cDialect: 'toString' as never } }, want: { error: { field: 'b2cDialect' } } },
  { name: 'unknown arch', input: { profile: { arch: 'mips' as never } }, want: { error: { field: 'arch' } } },
  // --- volumes refused
  { name: 'volume name with a slash', input: { profile: { volumes: [{ name: '../etc' }] } }, want: { error: { field: 'volumes[0].name' } } },
  { name: 'volume name with a comma', input: { profile: { volumes: [{ name: 'a,mirror=x' }] }, s3: S3 }, want: { error: { field: 'volumes[0].name' } } },
  { name: 'duplicate volume', input: { profile: { volumes: [{ name: 'a' }, { name: 'a' }] } }, want: { error: { field: 'volumes[1].name', message: /twice/ } } },
  { name: 'unknown sync condition', input: { profile: { volumes: [{ name: 'a', pullOn: ['pipeline_start', 'boot' as never] }] } }, want: { error: { field: 'volumes[0].pullOn[1]', message: /unknown condition/ } } },
  { name: 'unknown expiration', input: { profile: { volumes: [{ name: 'a', expiration: 'tomorrow' as never }] } }, want: { error: { field: 'volumes[0].expiration' } } },
  { name: 'exclude with a comma', input: { profile: { volumes: [{ name: 'a', exclude: ['*.o,remove'] }] } }, want: { error: { field: 'volumes[0].exclude[0]' } } },
  { name: 'exclude with a space', input: { profile: { volumes: [{ name: 'a', exclude: ['*.o x'] }] }, s3: S3 }, want: { error: { field: 'volumes[0].exclude[0]' } } },
  { name: 'S3 secret with a glob character (server bug)', input: { profile: { volumes: [{ name: 'a' }] }, s3: { ...S3, secretKey: 'abc*' } }, want: { error: { field: 's3.secretKey', message: /glob/ } } },
  { name: 'S3 URL with a comma (server bug)', input: { profile: { volumes: [{ name: 'a' }] }, s3: { ...S3, url: 'http://a,b' } }, want: { error: { field: 's3.url' } } },
  // --- placeholders refused
  { name: 'missing variable names the field and the variable', input: { profile: { containers: ['a:1', 'docker://x {{var.TOKEN}}'] } }, want: { error: { field: 'containers[1]', message: /no variable "TOKEN"/ } } },
  { name: 'unnamed machine with {{machine.name}}', input: { profile: { b2c: { hostname: '{{machine.name}}' } }, machine: { name: null } }, want: { error: { field: 'b2c.hostname', message: /no name/ } } },
  { name: 'unknown placeholder', input: { profile: { kernelArgs: 'x={{machine.serial}}' } }, want: { error: { field: 'kernelArgs', message: /unknown placeholder/ } } },
  { name: 'variable bringing a quote into a stage', input: { profile: { containers: ['docker://x echo {{var.Q}}'] }, machine: { variables: { Q: 'a"b' } } }, want: { error: { field: 'containers[0]', message: /double quote/ } } },
  { name: 'variable with a space stays one kernel argument, so it is refused', input: { profile: { kernelArgs: 'x={{var.V}}' }, machine: { variables: { V: 'a b' } } }, want: { error: { field: 'kernelArgs', message: /iPXE/ } } },
];

function run(c: Case) {
  const input: B2cBuildInput = { profile: profile(c.input.profile), machine: machine(c.input.machine), extraArgsUrl: URL_, s3: c.input.s3 ?? null };
  return buildB2cBoot(input);
}

for (const c of cases) {
  test(`buildB2cBoot: ${c.name}`, () => {
    const r = run(c);
    if ('error' in c.want) {
      assert.equal(r.ok, false, `expected a refusal, got ${JSON.stringify(r)}`);
      if (r.ok) return;
      assert.equal(r.error.field, c.want.error.field, r.error.message);
      if (c.want.error.message) assert.match(r.error.message, c.want.error.message);
      return;
    }
    assert.equal(r.ok, true, JSON.stringify(r));
    if (!r.ok) return;
    const { kernel, doc, bytes, limit } = c.want;
    if (kernel !== undefined) assert.equal(r.boot.kernelCmdline, kernel);
    if (doc !== undefined) assert.equal(r.boot.extraArgs, doc);
    if (bytes !== undefined) assert.equal(r.boot.kernelCmdlineBytes, bytes);
    if (limit !== undefined) assert.equal(r.boot.kernelCmdlineLimit, limit);
    assert.equal(r.boot.kernelCmdlineBytes, PREFIX_BYTES + Buffer.byteLength(r.boot.kernelCmdline));
  });
}

test('KERNEL_CMDLINE_LIMITS are the per-arch byte limits of DESIGN §5', () => {
  assert.deepEqual(KERNEL_CMDLINE_LIMITS, { x86_64: 2047, arm64: 4095, riscv64: 1023 });
});

const images: { name: string; input: string; want: string }[] = [
  { name: 'artifact name', input: 'initramfs.linux_amd64.cpio.xz', want: 'initramfs.linux_amd64.cpio.xz' },
  { name: 'URL', input: 'https://gitlab.example/b2c/-/releases/v0.9.15/downloads/initramfs.linux_amd64.cpio.xz', want: 'initramfs.linux_amd64.cpio.xz' },
  { name: 'URL with query and fragment', input: 'http://h:8080/a/linux-x86_64?x=1/2#f', want: 'linux-x86_64' },
  { name: 'URL without a path', input: 'http://h:8080', want: 'image' },
  { name: 'URL ending in a slash', input: 'http://h/dir/', want: 'image' },
];
for (const c of images) {
  test(`bootImageName: ${c.name}`, () => assert.equal(bootImageName(c.input), c.want));
}

const redactions: { name: string; input: string; want: string }[] = [
  {
    name: 'minio secret key',
    input: 'b2c.hostname="x"\nb2c.minio="netboot,http://h:9000,NBKEY,s3cr3t"\nb2c.run="a"\n',
    want: 'b2c.hostname="x"\nb2c.minio="netboot,http://h:9000,NBKEY,***"\nb2c.run="a"\n',
  },
  {
    name: 'several minio lines',
    input: 'b2c.minio="a,http://h,K1,S1"\nb2c.minio="b,http://h,K2,S2"\n',
    want: 'b2c.minio="a,http://h,K1,***"\nb2c.minio="b,http://h,K2,***"\n',
  },
  {
    name: 'volume encryption keys',
    input: 'b2c.volume="v,mirror=a/b,encrypt_key=E1,fscrypt_key=F2,expiration=never"\n',
    want: 'b2c.volume="v,mirror=a/b,encrypt_key=***,fscrypt_key=***,expiration=never"\n',
  },
  { name: 'nothing secret: unchanged', input: 'b2c.run="docker://x echo secret_key=1"\n', want: 'b2c.run="docker://x echo secret_key=1"\n' },
];
for (const c of redactions) {
  test(`redactExtraArgs: ${c.name}`, () => assert.equal(redactExtraArgs(c.input), c.want));
}

test('the preview (redacted) and the boot come from the same build; only the secret differs', () => {
  const r = buildB2cBoot({ profile: profile({ volumes: [{ name: 'cache', pushOn: ['pipeline_end'] }] }), machine: machine(), extraArgsUrl: URL_, s3: S3 });
  assert.ok(r.ok);
  const preview = redactExtraArgs(r.boot.extraArgs);
  assert.ok(!preview.includes(S3.secretKey));
  assert.ok(r.boot.extraArgs.includes(S3.secretKey));
  assert.equal(preview.replace('***', S3.secretKey), r.boot.extraArgs);
  assert.ok(!r.boot.kernelCmdline.includes(S3.secretKey), 'secrets never go on the kernel line');
});
