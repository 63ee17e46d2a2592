// The additional checksums S3 clients send (x-amz-checksum-ALG, as a header or an aws-chunked trailer):
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html. Values are the
// base64 of the big-endian digest.
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface RunningChecksum {
  update(bytes: Buffer): void;
  digestBase64(): string;
}

/** `x-amz-checksum-crc32c` → `crc32c`, or null for any other header name. */
export function checksumAlgorithmOf(headerName: string): ChecksumAlgorithm | null {
  const alg = headerName.toLowerCase().replace(/^x-amz-checksum-/, '');
  return headerName.toLowerCase().startsWith('x-amz-checksum-') && (CHECKSUM_ALGORITHMS as readonly string[]).includes(alg)
    ? (alg as ChecksumAlgorithm)
    : null;
}

export function createChecksum(alg: ChecksumAlgorithm): RunningChecksum {
  switch (alg) {
    case 'crc32': return crcChecksum((b, c) => crc32(b, c));
    case 'crc32c': return crcChecksum(crc32c);
    case 'sha1': return hashChecksum(createHash('sha1'));
    case 'sha256': return hashChecksum(createHash('sha256'));
  }
}

function hashChecksum(h: Hash): RunningChecksum {
  return { update: (b) => { h.update(b); }, digestBase64: () => h.digest('base64') };
}

function crcChecksum(fn: (b: Buffer, c: number) => number): RunningChecksum {
  let crc = 0;
  return {
    update: (b) => { crc = fn(b, crc); },
    digestBase64: () => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc >>> 0);
      return out.toString('base64');
    },
  };
}

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78); zlib only ships the IEEE one.
const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(buf: Buffer, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < buf.length; i++) c = CRC32C_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
