import { createServer } from 'node:net';

/**
 * A TCP port free on 127.0.0.1 right now. For services where port 0 means "off" rather than "any"
 * (NETBOOT_S3_PORT, DESIGN §8), so a test that wants the S3 gateway has to name a port.
 */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
