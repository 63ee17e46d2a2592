// Registers the storm's fleet through the admin API: one profile, N machines with predictable MACs
// (52:54:00 + the index), the same MACs ipxe-requests.lua asks for.
import type { BenchServer } from '../lib/server.ts';

export const REGISTER_CONCURRENCY = 32;

export function macOf(i: number): string {
  return ['52', '54', '00', (i >> 16) & 255, (i >> 8) & 255, i & 255]
    .map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0'))).join(':');
}

/** Returns the seconds the registration took. */
export async function registerFleet(server: BenchServer, machines: number): Promise<number> {
  await server.upload('storm-vmlinuz', 'kernel', Buffer.alloc(4096, 1));
  await server.upload('storm-initrd', 'initramfs', Buffer.alloc(4096, 2));
  await server.api('POST', '/api/v1/profiles', {
    name: 'storm', kernel: 'storm-vmlinuz', initramfs: 'storm-initrd', kernelArgs: 'console=ttyS0 panic=-1',
    containers: ["docker.io/library/alpine:latest sh -c 'echo hello from {{machine.name}}'"],
  });
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: REGISTER_CONCURRENCY }, async () => {
    while (next < machines) {
      const i = next++;
      await server.api('PUT', `/api/v1/machines/${macOf(i)}`, { name: `node-${i}`, profile: 'storm' });
    }
  }));
  return (performance.now() - started) / 1000;
}
