// The TFTP service against real clients (curl, tftp-hpa, atftp) over loopback: option negotiation, large files,
// block-number rollover, refusals, and the events each transfer publishes.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HOST, patternedData, run, sha256File, startTftp, writeTemp, type TftpFixture } from '../helpers/tftp.ts';
import { createHash } from 'node:crypto';

const MiB = 1024 * 1024;

let tftp: TftpFixture;
let out: string;
const small = patternedData(300_000, 7);
const big = patternedData(50 * MiB, 9);
const bigSha = createHash('sha256').update(big).digest('hex');

before(async () => {
  tftp = await startTftp();
  out = await mkdtemp(join(tmpdir(), 'b2c-tftp-out-'));
  await writeTemp(tftp.ipxeDir, 'undionly.kpxe', patternedData(74_213, 3));
  await writeTemp(tftp.ipxeDir, 'small.bin', small);
  await writeTemp(tftp.ipxeDir, 'big.bin', big);
  await tftp.addArtifact('kernels/vmlinuz', patternedData(1_000_000, 11), 'kernel');
});

after(async () => {
  await tftp?.close();
  await rm(out, { recursive: true, force: true });
});

const url = (name: string): string => `tftp://${HOST}:${tftp.port}/${name}`;

function atftpGet(remote: string, local: string, options: Record<string, string | number>, trace = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['-g', '-r', remote, '-l', local, ...(trace ? ['--trace'] : [])];
  for (const [k, v] of Object.entries(options)) args.push('--option', `${k} ${v}`);
  return run('atftp', [...args, HOST, String(tftp.port)]);
}

describe('curl (tftp://)', () => {
  for (const blksize of [512, 1468, 8192]) {
    test(`blksize ${blksize}: byte-identical, negotiated size in the event`, async () => {
      const dest = join(out, `curl-${blksize}`);
      const before = tftp.events.length;
      const r = await run('curl', ['-sS', '--tftp-blksize', String(blksize), '-o', dest, url('small.bin')]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await readFile(dest), small);
      const ev = await waitForEvent(before, 'small.bin');
      assert.equal(ev.detail?.blksize, blksize);
      assert.equal(ev.detail?.bytes, small.length);
      assert.equal(ev.detail?.error, undefined);
    });
  }

  test('artifact by name, in a sub-path', async () => {
    const dest = join(out, 'vmlinuz');
    const r = await run('curl', ['-sS', '-o', dest, url('kernels/vmlinuz')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await readFile(dest), patternedData(1_000_000, 11));
  });

  test('autoexec.ipxe and boot.ipxe are generated scripts chaining to the HTTP boot script', async () => {
    for (const name of ['autoexec.ipxe', 'boot.ipxe']) {
      const r = await run('curl', ['-sS', url(name)]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^#!ipxe\n/);
      assert.match(r.stdout, /^chain http:\/\/192\.0\.2\.1:8080\/boot\.ipxe \|\| goto failed$/m);
    }
  });

  test('missing file: TFTP error 1, and an event with the error', async () => {
    const before = tftp.events.length;
    const r = await run('curl', ['-sS', '-o', join(out, 'nope'), url('nope.bin')]);
    assert.equal(r.code, 68, r.stderr); // CURLE_TFTP_NOTFOUND: curl got error code 1
    const ev = await waitForEvent(before, 'nope.bin');
    assert.equal(ev.detail?.error, 'File not found');
  });
});

describe('atftp', () => {
  for (const windowsize of [1, 4, 8]) {
    test(`windowsize ${windowsize}, blksize 1468, tsize, timeout: all acknowledged, byte-identical`, async () => {
      const dest = join(out, `atftp-w${windowsize}`);
      const before = tftp.events.length;
      const r = await atftpGet('small.bin', dest, { blksize: 1468, windowsize, tsize: 0, timeout: 2 }, true);
      assert.equal(r.code, 0, r.stderr);
      // atftp traces the server's OACK (backspacing over its trailing ", "): every option acknowledged, tsize
      // with the file's size
      const oack = /received OACK <(.*)>/.exec(r.stdout + r.stderr)?.[1] ?? '';
      const acked = Object.fromEntries(oack.split(',').map((kv) => kv.split(':').map((x) => x.trim())).filter((kv) => /^\w+$/.test(kv[0])));
      assert.deepEqual(acked, { tsize: '300000', windowsize: String(windowsize), timeout: '2', blksize: '1468' });
      assert.deepEqual(await readFile(dest), small);
      const ev = await waitForEvent(before, 'small.bin');
      assert.equal(ev.detail?.windowsize, windowsize);
      assert.equal(ev.detail?.blksize, 1468);
    });
  }

  test('50 MiB, windowsize 8: sha256 identical', async () => {
    const dest = join(out, 'atftp-big');
    const r = await atftpGet('big.bin', dest, { blksize: 1468, windowsize: 8, tsize: 0 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await sha256File(dest), bigSha);
  });

  test('write refused with error 2; nothing written', async () => {
    const src = await writeTemp(out, 'upload.bin', small);
    const before = await listAll(tftp.ipxeDir, tftp.artifactDir);
    const r = await run('atftp', ['-p', '-l', src, '-r', 'upload.bin', HOST, String(tftp.port)]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Cannot PUT files/);
    assert.deepEqual(await listAll(tftp.ipxeDir, tftp.artifactDir), before);
  });
});

describe('tftp-hpa (RFC 1350 only, no options)', () => {
  test('50 MiB at 512-byte blocks: 102400 blocks, rollover past 65535, sha256 identical', async () => {
    const dest = join(out, 'hpa-big');
    const r = await run('tftp', ['-m', 'binary', HOST, String(tftp.port), '-c', 'get', 'big.bin', dest], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /Error/);
    assert.equal(await sha256File(dest), bigSha);
  });

  test('put: error 2 (access violation)', async () => {
    const src = await writeTemp(out, 'upload2.bin', small);
    const r = await run('tftp', ['-m', 'binary', HOST, String(tftp.port), '-c', 'put', src, 'upload2.bin']);
    assert.match(r.stdout + r.stderr, /Error code 2: Cannot PUT files/);
  });

  for (const [name, want] of [
    ['../../etc/passwd', /Error code 2/],
    ['/etc/passwd', /Error code 2: Access violation: absolute file name/],
    ['kernels/../../../etc/passwd', /Error code 2/],
    ['a\\..\\..\\etc\\passwd', /Error code 2: Access violation: backslash in file name/],
    ['x'.repeat(300), /Error code 2: Access violation: file name too long/],
  ] as const) {
    test(`traversal refused: ${name.slice(0, 40)}`, async () => {
      const dest = join(out, 'refused');
      const r = await run('tftp', ['-m', 'binary', HOST, String(tftp.port), '-c', 'get', name, dest]);
      assert.match(r.stdout + r.stderr, want);
    });
  }
});

async function listAll(...dirs: string[]): Promise<string[]> {
  const lists = await Promise.all(dirs.map(async (d) => (await readdir(d)).map((f) => join(d, f))));
  return lists.flat().sort();
}

function waitForEvent(from: number, file: string): Promise<NonNullable<TftpFixture['events'][number]>> {
  const seen = tftp.events.slice(0, from).filter((e) => e.detail?.file === file).length;
  return tftp.eventFor(file, seen + 1);
}
