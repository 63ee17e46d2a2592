// Junk, truncated and hostile packets never crash or wedge the TFTP service: each gets an ERROR or nothing,
// and real transfers keep working, including one in flight while junk hits its transfer port.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ack, OP, patternedData, RawClient, rrq, run, startTftp, writeTemp, HOST, type TftpFixture } from '../helpers/tftp.ts';

let tftp: TftpFixture;
const file = patternedData(512 * 10 + 1, 4);

before(async () => {
  tftp = await startTftp();
  await writeTemp(tftp.ipxeDir, 'file.bin', file);
});
after(() => tftp?.close());

async function stillServes(): Promise<void> {
  const r = await run('curl', ['-sS', '--max-time', '10', `tftp://${HOST}:${tftp.port}/file.bin`, '-o', '/dev/null', '-w', '%{size_download}']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, String(file.length));
}

const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);

const junk: Array<[string, Buffer]> = [
  ['empty datagram', Buffer.alloc(0)],
  ['one byte', Buffer.from([1])],
  ['opcode only', u16(OP.RRQ)],
  ['RRQ without NUL terminators', Buffer.concat([u16(OP.RRQ), Buffer.from('file.binoctet')])],
  ['RRQ without mode', Buffer.concat([u16(OP.RRQ), Buffer.from('file.bin\0')])],
  ['RRQ with a bad mode', Buffer.concat([u16(OP.RRQ), Buffer.from('file.bin\0banana\0')])],
  ['RRQ with an odd option list', Buffer.concat([rrq('file.bin'), Buffer.from('blksize\0')])],
  ['RRQ with an out-of-range blksize', rrq('file.bin', { blksize: 70000 })],
  ['RRQ with a non-numeric windowsize', rrq('file.bin', { windowsize: 'lots' })],
  ['DATA to the listener', Buffer.concat([u16(OP.DATA), u16(1), Buffer.from('hello')])],
  ['ACK to the listener', ack(1)],
  ['ERROR to the listener', Buffer.concat([u16(OP.ERROR), u16(0), Buffer.from('x\0')])],
  ['unknown opcode', Buffer.concat([u16(99), Buffer.from('junk junk junk')])],
  ['oversized datagram', Buffer.concat([u16(OP.RRQ), Buffer.alloc(2000, 0x41), Buffer.from('\0octet\0')])],
  ['random bytes', patternedData(300, 42)],
];

test('junk to the listener gets an ERROR or nothing, and the server keeps serving', async () => {
  const client = await RawClient.open();
  try {
    for (const [name, packet] of junk) {
      client.send(packet, tftp.port);
      const reply = await client.next(300);
      if (reply) assert.equal(reply.packet.op, 'ERROR', `${name}: ${JSON.stringify(reply.packet)}`);
    }
  } finally {
    client.close();
  }
  await stillServes();
});

test('junk at a transfer port from another port gets error 5 and the transfer completes', async () => {
  const client = await RawClient.open();
  const intruder = await RawClient.open();
  try {
    client.send(rrq('file.bin'), tftp.port); // no options: lockstep from block 1
    const first = await client.next();
    assert.equal(first?.packet.op, 'DATA');
    const transferPort = first!.port;
    for (const [, packet] of junk) intruder.send(packet, transferPort);
    intruder.send(ack(1), transferPort);
    const reply = await intruder.next(1000);
    assert.equal(reply?.packet.op, 'ERROR');
    assert.equal((reply!.packet as { code: number }).code, 5);

    const chunks: Buffer[] = [(first!.packet as { data: Buffer }).data];
    let block = 1;
    client.send(ack(block), transferPort);
    for (;;) {
      const got = await client.next();
      assert.ok(got, 'transfer stalled');
      assert.equal(got.packet.op, 'DATA', JSON.stringify(got.packet));
      const p = got.packet as { block: number; data: Buffer };
      if (p.block !== block + 1) continue; // a retransmission
      block = p.block;
      chunks.push(p.data);
      client.send(ack(block), transferPort);
      if (p.data.length < 512) break;
    }
    assert.deepEqual(Buffer.concat(chunks), file);
  } finally {
    client.close();
    intruder.close();
  }
});

test('a truncated packet from the client itself ends its transfer with an ERROR, not the server', async () => {
  const client = await RawClient.open();
  try {
    client.send(rrq('file.bin'), tftp.port);
    const first = await client.next();
    assert.equal(first?.packet.op, 'DATA');
    client.send(Buffer.from([0]), first!.port);
    const reply = await client.next();
    assert.equal(reply?.packet.op, 'ERROR');
  } finally {
    client.close();
  }
  await stillServes();
});

test('a client that vanishes is given up after retries with backoff; its event records the error', async () => {
  // 100 ms base: the retransmissions wait 0.1, 0.2, 0.4, 0.8, 0.8 s (doubling, capped at 8×), then give up
  const quick = await startTftp({ retransmitMs: 100 });
  const client = await RawClient.open();
  try {
    await writeTemp(quick.ipxeDir, 'file.bin', file);
    const started = Date.now();
    await client.send(rrq('file.bin', { blksize: 512 }), quick.port);
    const oack = await client.next();
    assert.equal(oack?.packet.op, 'OACK');
    // never ACK the OACK: count its retransmissions, which keep coming from the same transfer port
    const arrivals: number[] = [];
    for (let got = await client.next(2000); got; got = await client.next(2000)) arrivals.push(Date.now() - started);
    const ev = await quick.eventFor('file.bin');
    assert.match(String(ev.detail?.error), /Timed out/);
    assert.equal(ev.detail?.bytes, 0);
    assert.equal(arrivals.length, 5, `retransmissions at ${arrivals.join(', ')} ms`);
    const gaps = arrivals.map((t, i) => t - (i ? arrivals[i - 1] : 0));
    assert.ok(gaps[2] > gaps[0] * 2, `backoff: gaps ${gaps.join(', ')} ms`);
  } finally {
    client.close();
    await quick.close();
  }
  await stillServes();
});
