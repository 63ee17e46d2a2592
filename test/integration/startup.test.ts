// Start-up with a TFTP port that cannot be bound: HTTP keeps serving and the API says TFTP is off.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { startTestServer } from '../helpers/server.ts';

test('a TFTP port in use leaves TFTP off, not the whole server', async () => {
  const squatter = dgram.createSocket('udp4');
  const port = await new Promise<number>((resolve) => squatter.bind(0, '127.0.0.1', () => resolve(squatter.address().port)));
  const s = await startTestServer({ tftpPort: port, s3Port: 0 });
  try {
    assert.equal(s.netboot.tftpPort, null);
    assert.equal((await fetch(`${s.url}/boot.ipxe`)).status, 200, 'HTTP boots still work');
    assert.deepEqual((await s.api('GET', '/api/v1/info')).body.features, { tftp: false, s3: false });
  } finally {
    await s.close();
    squatter.close();
  }
});

test('with TFTP listening, /info says so', async () => {
  const probe = dgram.createSocket('udp4');
  const port = await new Promise<number>((resolve) => probe.bind(0, '127.0.0.1', () => resolve(probe.address().port)));
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const s = await startTestServer({ tftpPort: port, s3Port: 0 });
  try {
    assert.equal(s.netboot.tftpPort, port);
    assert.equal((await s.api('GET', '/api/v1/info')).body.features.tftp, true);
  } finally {
    await s.close();
  }
});
