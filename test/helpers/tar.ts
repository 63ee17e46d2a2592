// Tar archives in memory, for the volume archive endpoints (GET/PUT …/volumes/:name/archive).
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';

export async function tarOf(files: Record<string, Buffer | string>, extra?: (p: tar.Pack) => void): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, body] of Object.entries(files)) pack.entry({ name }, Buffer.from(body));
  extra?.(pack);
  pack.finalize();
  const parts: Buffer[] = [];
  for await (const c of pack) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

export async function untar(buf: Buffer): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  const extract = tar.extract();
  Readable.from([buf]).pipe(extract);
  for await (const entry of extract) {
    const parts: Buffer[] = [];
    for await (const c of entry) parts.push(c as Buffer);
    out[entry.header.name] = Buffer.concat(parts);
  }
  return out;
}
