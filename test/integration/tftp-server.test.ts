// The TFTP service as main.ts wires it: artifacts uploaded through the API are served by name, generated scripts
// chain to the server's own /boot.ipxe, and transfers reach the event bus.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { NetbootEvent } from '../../server/src/events.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { patternedData, run } from '../helpers/tftp.ts';

let server: TestServer;
let port: number;
const events: NetbootEvent[] = [];

before(async () => {
  // NETBOOT_TFTP_PORT=0 means "off", so take a free port
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  port = s.address().port;
  await new Promise<void>((resolve) => s.close(resolve));
  server = await startTestServer({ tftpPort: port });
  server.netboot.bus.subscribe((e) => events.push(e));
});
after(() => server?.close());

test('main.ts starts TFTP on the configured port', () => {
  assert.equal(server.netboot.tftpPort, port);
});

test('an artifact uploaded through the API is served over TFTP by name', async () => {
  const body = patternedData(200_000, 8);
  const put = await server.api('PUT', '/api/v1/artifacts/custom.kpxe?kind=ipxe', body);
  assert.ok(put.status === 200 || put.status === 201, JSON.stringify(put.body));
  const dest = join(server.dataDir, 'fetched.kpxe');
  const r = await run('curl', ['-sS', `tftp://127.0.0.1:${port}/custom.kpxe`, '-o', dest]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await readFile(dest), body);
  const ev = events.find((e) => e.type === 'tftp' && e.detail?.file === 'custom.kpxe');
  assert.equal(ev?.ip, '127.0.0.1');
  assert.equal(ev?.detail?.bytes, body.length);
});

test('autoexec.ipxe chains to this server\'s /boot.ipxe', async () => {
  const r = await run('curl', ['-sS', `tftp://127.0.0.1:${port}/autoexec.ipxe`]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(`chain ${server.url}/boot.ipxe`), r.stdout);
});
