// Reference peer: the plainest Node server for one file (node:http + fs.createReadStream, 1 MiB reads). It
// separates what Node itself costs (no sendfile) from what the server adds on top. Prints its port.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';

const file = process.argv[2];
if (!file) throw new Error('usage: node-peer.ts FILE');
const size = statSync(file).size;
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
  createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(res);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`NODE-PEER-READY ${(server.address() as { port: number }).port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
