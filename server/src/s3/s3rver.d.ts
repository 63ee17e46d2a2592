// Just the part of s3rver 3.x the embedded backend uses (the package ships no types).
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';
  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    configureBuckets?: Array<{ name: string; configs?: unknown[] }>;
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    /** lib/stores/filesystem.js; see embedded-store.ts for the part we rely on. */
    store: unknown;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
