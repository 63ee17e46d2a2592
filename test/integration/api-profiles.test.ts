// /api/v1/profiles and POST /api/v1/preview: create, read, replace, delete with their 404/409 paths, and save-time
// validation (DESIGN §5): every refusal is a 400 naming the offending field and changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const BASE = { kernel: 'vmlinuz', initramfs: 'initrd', containers: ["docker.io/library/alpine:latest sh -c 'echo one two'"] };

/** A kernel line of about 3 KB: over x86_64's 2047 bytes, under arm64's 4095. */
const LONG_ARGS = Array.from({ length: 250 }, (_, i) => `opt${i}=12345`).join(' ');

describe('profiles API', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    assert.equal((await s.api('PUT', '/api/v1/artifacts/vmlinuz?kind=kernel', 'k')).status, 201);
    assert.equal((await s.api('PUT', '/api/v1/artifacts/initrd?kind=initramfs', 'i')).status, 201);
  });
  after(() => s?.close());

  test('create (201 + Location), read, list, replace, delete', async () => {
    const created = await s.api('POST', '/api/v1/profiles', { name: 'crud', description: 'first', ...BASE, pipefail: true });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.get('location'), '/api/v1/profiles/crud');
    assert.equal(created.body.description, 'first');

    const got = await s.api('GET', '/api/v1/profiles/crud');
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.containers, BASE.containers);
    assert.equal(got.body.pipefail, true);
    assert.ok((await s.api('GET', '/api/v1/profiles')).body.some((p: { name: string }) => p.name === 'crud'));

    const replaced = await s.api('PUT', '/api/v1/profiles/crud', { ...BASE, description: 'second', containers: ['img a', 'img b'] });
    assert.equal(replaced.status, 200, replaced.text);
    const after = (await s.api('GET', '/api/v1/profiles/crud')).body;
    assert.equal(after.description, 'second');
    assert.deepEqual(after.containers, ['img a', 'img b']);
    assert.equal(after.pipefail, undefined, 'PUT replaces the whole profile');

    assert.equal((await s.api('PUT', '/api/v1/profiles/crud', { name: 'crud', ...BASE })).status, 200, 'the body may repeat the name');
    assert.equal((await s.api('DELETE', '/api/v1/profiles/crud')).status, 204);
    assert.equal((await s.api('GET', '/api/v1/profiles/crud')).status, 404);
  });

  test('404s and 409s', async () => {
    for (const [method, body] of [['GET', undefined], ['PUT', BASE], ['DELETE', undefined]] as const) {
      const res = await s.api(method, '/api/v1/profiles/ghost', body);
      assert.equal(res.status, 404, method);
      assert.equal(res.body.error, 'not_found');
    }
    assert.equal((await s.api('POST', '/api/v1/profiles', { name: 'taken', ...BASE })).status, 201);
    const dup = await s.api('POST', '/api/v1/profiles', { name: 'taken', ...BASE, description: 'other' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.field, 'name');
    assert.equal((await s.api('GET', '/api/v1/profiles/taken')).body.description, undefined, 'the first one is untouched');

    const rename = await s.api('PUT', '/api/v1/profiles/taken', { name: 'renamed', ...BASE });
    assert.equal(rename.status, 400);
    assert.equal(rename.body.field, 'name');

    assert.equal((await s.api('PUT', '/api/v1/machines/52:54:00:00:bb:01', { profile: 'taken' })).status, 201);
    const inUse = await s.api('DELETE', '/api/v1/profiles/taken');
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.error, 'conflict');
    assert.equal((await s.api('GET', '/api/v1/profiles/taken')).status, 200);
  });

  test('kernel and initramfs may be http(s) URLs instead of artifacts', async () => {
    const res = await s.api('POST', '/api/v1/profiles', { name: 'remote', ...BASE, kernel: 'https://example.com/b2c/linux-x86_64', initramfs: 'http://example.com/initramfs.linux_amd64.cpio.xz' });
    assert.equal(res.status, 201, res.text);
    const preview = await s.api('POST', '/api/v1/preview', { profile: { ...BASE, kernel: 'https://example.com/b2c/linux-x86_64', initramfs: 'http://example.com/initramfs.linux_amd64.cpio.xz' } });
    assert.match(preview.body.script, /^kernel https:\/\/example\.com\/b2c\/linux-x86_64 initrd=initramfs\.linux_amd64\.cpio\.xz /m);
    assert.match(preview.body.script, /^initrd --name initramfs\.linux_amd64\.cpio\.xz http:\/\/example\.com\/initramfs\.linux_amd64\.cpio\.xz$/m);
  });

  test('arm64 allows a longer kernel line than x86_64', async () => {
    assert.equal((await s.api('POST', '/api/v1/profiles', { name: 'long-arm', ...BASE, arch: 'arm64', kernelArgs: LONG_ARGS })).status, 201);
  });

  // Each is refused on create (nothing created) and on replace (the stored profile stays as it was).
  const invalid: Array<{ name: string; patch: Record<string, unknown>; field: string; message?: RegExp }> = [
    { name: 'double quote in a stage', patch: { containers: ['img echo "hi"'] }, field: 'containers[0]', message: /double quote/ },
    { name: 'backslash in a stage', patch: { containers: ['img true', 'img echo a\\nb'] }, field: 'containers[1]', message: /backslash/ },
    { name: 'double quote in a post-container', patch: { postContainers: ['img "x"'] }, field: 'postContainers[0]' },
    { name: 'empty stage', patch: { containers: ['  '] }, field: 'containers[0]' },
    { name: 'bad volume name', patch: { volumes: [{ name: 'my volume' }] }, field: 'volumes[0].name' },
    { name: 'volume name with a slash', patch: { volumes: [{ name: 'ok' }, { name: '../up' }] }, field: 'volumes[1].name' },
    { name: 'bad volume condition', patch: { volumes: [{ name: 'v', pullOn: ['pipeline_start', 'sometimes'] }] }, field: 'volumes[0].pullOn[1]' },
    { name: 'bad expiration', patch: { volumes: [{ name: 'v', expiration: 'tomorrow' }] }, field: 'volumes[0].expiration' },
    { name: 'glob with a space', patch: { volumes: [{ name: 'v', exclude: ['*.tmp files'] }] }, field: 'volumes[0].exclude[0]' },
    { name: 'kernel line over the x86_64 limit', patch: { kernelArgs: LONG_ARGS }, field: 'kernelArgs', message: /2047/ },
    { name: 'kernel line over the riscv64 limit', patch: { arch: 'riscv64', kernelArgs: LONG_ARGS.slice(0, 1200) }, field: 'kernelArgs', message: /1023/ },
    { name: 'iPXE expansion on the kernel line', patch: { kernelArgs: 'x=${net0/ip}' }, field: 'kernelArgs' },
    { name: 'iPXE comment on the kernel line', patch: { kernelArgs: 'quiet #rest' }, field: 'kernelArgs' },
    { name: 'extra_args_url set by hand', patch: { kernelArgs: 'b2c.extra_args_url=http://evil/' }, field: 'kernelArgs' },
    { name: 'double quote in a b2c option', patch: { b2c: { hostname: 'a"b' } }, field: 'b2c.hostname' },
    { name: 'server-managed b2c option', patch: { b2c: { extra: { extra_args_url: 'x' } } }, field: 'b2c.extra.extra_args_url' },
    { name: 'negative poweroff delay', patch: { b2c: { poweroffDelay: -1 } }, field: 'b2c.poweroffDelay' },
    { name: 'missing kernel artifact', patch: { kernel: 'not-uploaded' }, field: 'kernel', message: /no artifact/ },
    { name: 'missing initramfs artifact', patch: { initramfs: 'not-uploaded' }, field: 'initramfs' },
    { name: 'non-http URL', patch: { kernel: 'ftp://example.com/k' }, field: 'kernel' },
    { name: 'URL with a space', patch: { initramfs: 'http://example.com/a b' }, field: 'initramfs' },
    { name: 'unknown arch', patch: { arch: 'mips' }, field: 'arch' },
    { name: 'unknown dialect', patch: { b2cDialect: 'v2' }, field: 'b2cDialect' },
    { name: 'containers not a list', patch: { containers: { first: 'img true' } }, field: 'containers' },
    { name: 'containers missing', patch: { containers: undefined }, field: 'containers' },
    { name: 'unknown placeholder namespace', patch: { containers: ['img echo {{secret.x}}'] }, field: 'containers[0]' },
  ];

  for (const c of invalid) {
    test(`refused: ${c.name} → 400 field ${c.field}, nothing changed`, async () => {
      const name = 'v-' + c.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 40);
      const create = await s.api('POST', '/api/v1/profiles', { name, ...BASE, ...c.patch });
      assert.equal(create.status, 400, create.text);
      assert.equal(create.body.error, 'validation_failed');
      assert.equal(create.body.field, c.field, create.body.message);
      if (c.message) assert.match(create.body.message, c.message);
      assert.equal((await s.api('GET', `/api/v1/profiles/${name}`)).status, 404, 'not created');

      assert.equal((await s.api('POST', '/api/v1/profiles', { name, ...BASE, description: 'good' })).status, 201);
      const before = (await s.api('GET', `/api/v1/profiles/${name}`)).body;
      const replace = await s.api('PUT', `/api/v1/profiles/${name}`, { ...BASE, description: 'bad', ...c.patch });
      assert.equal(replace.status, 400, replace.text);
      assert.equal(replace.body.field, c.field);
      assert.deepEqual((await s.api('GET', `/api/v1/profiles/${name}`)).body, before, 'the stored profile is unchanged');
    });
  }

  test('a profile change that would break an assigned machine is refused, naming the machine', async () => {
    assert.equal((await s.api('POST', '/api/v1/profiles', { name: 'with-vars', ...BASE, containers: ['img echo {{var.SITE}}'] })).status, 201);
    assert.equal((await s.api('PUT', '/api/v1/machines/52:54:00:00:bb:02', { profile: 'with-vars', variables: { SITE: 'lab' } })).status, 201);
    // The machine's override of 1500 bytes fits alone but not next to 1000 more bytes of profile arguments.
    assert.equal((await s.api('PUT', '/api/v1/machines/52:54:00:00:bb:02', { kernelArgs: `pad=${'p'.repeat(1500)}` })).status, 200);
    const res = await s.api('PUT', '/api/v1/profiles/with-vars', { ...BASE, kernelArgs: `more=${'m'.repeat(1000)}` });
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.message, /52:54:00:00:bb:02/);
    assert.equal((await s.api('GET', '/api/v1/profiles/with-vars')).body.kernelArgs, undefined);
  });
});

describe('POST /api/v1/preview', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer(); });
  after(() => s?.close());

  test('renders an unsaved profile and machine: script, kernel line with its byte count and limit, document', async () => {
    const res = await s.api('POST', '/api/v1/preview', {
      profile: { ...BASE, kernelArgs: 'console=ttyS0', b2c: { hostname: '{{machine.name}}' } },
      machine: { mac: '52-54-00-00-CC-01', name: 'draft-1', kernelArgs: 'quiet' },
    });
    assert.equal(res.status, 200, res.text);
    const { script, kernelCmdline, kernelCmdlineBytes, kernelCmdlineLimit, extraArgs } = res.body;
    assert.match(script, /^#!ipxe\n/);
    assert.ok(script.includes(kernelCmdline));
    // Counted the way an EFI kernel sees it: image name, initrd=NAME, then the line.
    assert.equal(kernelCmdlineBytes, Buffer.byteLength(`vmlinuz initrd=initrd ${kernelCmdline}`));
    assert.equal(kernelCmdlineLimit, 2047);
    assert.match(kernelCmdline, /console=ttyS0/);
    assert.match(kernelCmdline, /quiet/);
    assert.match(extraArgs, /draft-1/);
    assert.ok(extraArgs.includes(BASE.containers[0]!));
    assert.equal((await s.api('GET', '/api/v1/profiles')).body.length, 0, 'nothing saved');
    assert.equal((await s.api('GET', '/api/v1/machines')).body.length, 0);
  });

  test('refusals name the field, including the machine draft', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ profile: { ...BASE, containers: ['a"b'] } }, 400, 'containers[0]'],
      [{ profile: { ...BASE, kernelArgs: LONG_ARGS } }, 400, 'kernelArgs'],
      [{ profile: { ...BASE }, machine: { mac: 'not-a-mac' } }, 400, 'machine.mac'],
      // A draft's own values are judged as PUT /machines judges them, named under `machine.`, used or not.
      [{ profile: { ...BASE, containers: ['img echo {{var.X}}'] }, machine: { variables: { X: 'a"b' } } }, 400, 'machine.variables.X'],
      [{ profile: { ...BASE }, machine: { variables: { UNUSED: 'a"b' } } }, 400, 'machine.variables.UNUSED'],
      [{ profile: { ...BASE }, machine: { kernelArgs: 'a b"c' } }, 400, 'machine.kernelArgs'],
      [{ machine: { mac: '52:54:00:00:00:01' } }, 400, 'profile'],
    ];
    for (const [body, status, field] of cases) {
      const res = await s.api('POST', '/api/v1/preview', body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.field, field, res.body.message);
    }
  });
});
