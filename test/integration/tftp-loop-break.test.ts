// Server-side loop breaking: the repeat request for a chainload binary from the same client gets the chain
// script; a size probe (EDK2 asks with tsize and aborts after the OACK) doesn't count as having been served.
import assert from 'node:assert/strict';
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CHAIN_URL, HOST, OP, patternedData, RawClient, rrq, run, startTftp, writeTemp, type TftpFixture } from '../helpers/tftp.ts';

let tftp: TftpFixture;
let out: string;
const binary = patternedData(74_213, 3);

before(async () => {
  tftp = await startTftp({ loopBreakWindowMs: 2000 });
  out = await mkdtemp(join(tmpdir(), 'b2c-tftp-loop-'));
  await writeTemp(tftp.ipxeDir, 'undionly.kpxe', binary);
  await writeTemp(tftp.ipxeDir, 'plain.bin', binary);
  await tftp.addArtifact('custom-ipxe.efi', binary, 'ipxe');
});
after(async () => {
  await tftp?.close();
  await rm(out, { recursive: true, force: true });
});

async function get(name: string): Promise<Buffer> {
  const dest = join(out, 'got');
  const r = await run('curl', ['-sS', '-o', dest, `tftp://${HOST}:${tftp.port}/${name}`]);
  assert.equal(r.code, 0, r.stderr);
  return readFile(dest);
}

/** The breaker keys on the client IP (all tests are 127.0.0.1): let the previous test's record expire. */
const forget = (): Promise<void> => new Promise((r) => setTimeout(r, 2200));

const isChainScript = (b: Buffer): boolean => b.toString().startsWith('#!ipxe\n') && b.toString().includes(`chain ${CHAIN_URL}`);

test('binary, then the chain script on the repeat, then the binary again', async () => {
  assert.deepEqual(await get('undionly.kpxe'), binary);
  assert.ok(isChainScript(await get('undionly.kpxe')));
  assert.deepEqual(await get('undionly.kpxe'), binary);
  const events = tftp.events.filter((e) => e.detail?.file === 'undionly.kpxe');
  assert.deepEqual(events.map((e) => e.detail?.loopBroken ?? false), [false, true, false]);
});

test('an ipxe-kind artifact is a chainload binary too; other files never loop-break', async () => {
  await forget();
  assert.deepEqual(await get('custom-ipxe.efi'), binary);
  assert.ok(isChainScript(await get('custom-ipxe.efi')));
  assert.deepEqual(await get('plain.bin'), binary);
  assert.deepEqual(await get('plain.bin'), binary);
});

test('after the window the binary is served again', async () => {
  await forget();
  assert.deepEqual(await get('undionly.kpxe'), binary);
  await forget();
  assert.deepEqual(await get('undionly.kpxe'), binary);
  assert.ok(isChainScript(await get('undionly.kpxe')));
});

test('a tsize probe aborted after the OACK does not count as served', async () => {
  await forget();
  const client = await RawClient.open();
  try {
    client.send(rrq('undionly.kpxe', { tsize: 0, blksize: 1468 }), tftp.port);
    const oack = await client.next();
    assert.equal(oack?.packet.op, 'OACK');
    assert.equal((oack!.packet as { options: Record<string, string> }).options.tsize, String(binary.length));
    // EDK2 answers the OACK with ERROR "User aborted" once it knows the size
    await client.send(Buffer.concat([Buffer.from([0, OP.ERROR, 0, 0]), Buffer.from('User aborted\0')]), oack!.port);
  } finally {
    client.close();
  }
  const probe = await tftp.eventFor('undionly.kpxe', tftp.events.filter((e) => e.detail?.file === 'undionly.kpxe').length + 1);
  assert.equal(probe.detail?.error, 'User aborted');
  assert.equal(probe.detail?.bytes, 0, 'a probe delivers nothing');
  assert.deepEqual(await get('undionly.kpxe'), binary);
});
