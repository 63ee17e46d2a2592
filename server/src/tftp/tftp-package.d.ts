// The part of npm `tftp` (0.1.2, patched: patches/tftp+0.1.2.patch) that the service uses. The package ships no
// types.
declare module 'tftp' {
  import type { EventEmitter } from 'node:events';
  import type { Readable, Writable } from 'node:stream';

  export interface TransferStats {
    blockSize: number;
    windowSize: number;
    /** Retransmission timeout in ms (the client's RFC 2349 `timeout` when it sent one). */
    timeout: number;
    retries: number;
    remoteAddress: string;
    remotePort: number;
    localAddress: string;
    localPort: number;
    userExtensions: Record<string, string>;
  }

  /** A `{ code, message }` abort becomes a TFTP ERROR packet with exactly that code (patched). */
  export type AbortReason = string | Error | { code: number; message: string };

  /** The request side: `close` then `error` | `abort` | nothing (success). */
  export interface GetStream extends Readable {
    method: 'GET' | 'PUT';
    file: string;
    stats: TransferStats;
    abort(reason?: AbortReason): void;
  }

  /** The response side: `setSize` (tsize, and it releases the OACK), then write/end or pipe. */
  export interface PutStream extends Writable {
    setSize(size: number): void;
    /** Bytes of the file the client has acknowledged so far (patched). */
    acknowledgedBytes(): number;
  }

  export interface ServerOptions {
    host?: string;
    port?: number;
    root?: string;
    denyPUT?: boolean;
    denyGET?: boolean;
    /** Caps on what clients may negotiate. */
    blockSize?: number;
    windowSize?: number;
    /** Retransmission timeout (ms) when the client doesn't negotiate one. */
    timeout?: number;
    retries?: number;
  }

  export interface Server extends EventEmitter {
    listen(): void;
    close(): void;
    address(): { address: string; family: string; port: number };
  }

  export function createServer(options: ServerOptions, handler: (req: GetStream, res: PutStream) => void): Server;
}
