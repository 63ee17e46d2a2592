// Test fixtures for the TFTP service: a service on an ephemeral loopback port over a temp dir and an in-memory
// artifact table, the events it published, a minimal raw TFTP client (RFC 1350/2347 packets over dgram) for
// scripted exchanges the real clients can't make (dropped blocks, duplicate ACKs, junk), and a runner for the real
// clients (curl, tftp-hpa, atftp).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { EventBus, type NetbootEvent } from '../../server/src/events.ts';
import { createTftpService, type TftpServiceOptions } from '../../server/src/tftp/service.ts';

export const HOST = '127.0.0.1';
export const CHAIN_URL = 'http://192.0.2.1:8080/boot.ipxe';

export interface TftpFixture {
  port: number;
  /** The iPXE dir the service serves (tests write binaries into it). */
  ipxeDir: string;
  /** Where artifacts live; `artifacts` maps a name to a file written here. */
  artifactDir: string;
  artifacts: Map<string, { path: string; size: number; kind: string }>;
  events: NetbootEvent[];
  addArtifact(name: string, data: Buffer, kind?: string): Promise<string>;
  /** Resolves with the next `tftp` event for `file` (already published ones count). */
  eventFor(file: string, nth?: number): Promise<NetbootEvent>;
  close(): Promise<void>;
}

export async function startTftp(overrides: Partial<TftpServiceOptions> = {}): Promise<TftpFixture> {
  const root = await mkdtemp(join(tmpdir(), 'b2c-tftp-'));
  const ipxeDir = join(root, 'ipxe');
  const artifactDir = join(root, 'artifacts');
  await Promise.all([mkdir(ipxeDir), mkdir(artifactDir)]);
  const artifacts = new Map<string, { path: string; size: number; kind: string }>();
  const events: NetbootEvent[] = [];
  const waiters: Array<() => void> = [];
  const bus = new EventBus();
  bus.subscribe((e) => {
    events.push(e);
    for (const w of waiters.splice(0)) w();
  });
  const service = createTftpService({
    host: HOST,
    port: 0,
    ipxeDir,
    artifacts: { find: async (name) => artifacts.get(name) ?? null },
    bootScriptUrl: () => CHAIN_URL,
    events: bus,
    logger: pino({ level: process.env.TFTP_TEST_LOG ?? 'silent' }),
    ...overrides,
  });
  const { port } = await service.listen();

  return {
    port,
    ipxeDir,
    artifactDir,
    artifacts,
    events,
    async addArtifact(name, data, kind = 'other') {
      const path = join(artifactDir, createHash('sha256').update(name).digest('hex'));
      await writeFile(path, data);
      artifacts.set(name, { path, size: data.length, kind });
      return path;
    },
    eventFor(file, nth = 1) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no tftp event #${nth} for ${file}`)), 20_000);
        const check = (): void => {
          const hits = events.filter((e) => e.type === 'tftp' && e.detail?.file === file);
          if (hits.length >= nth) {
            clearTimeout(timer);
            resolve(hits[nth - 1]);
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
    async close() {
      await service.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a client; never rejects on a non-zero exit (tests assert on it), but does on a time-out. */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: opts.timeoutMs ?? 60_000, cwd: opts.cwd, maxBuffer: 16 << 20, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err && (err as { killed?: boolean }).killed) return reject(new Error(`${cmd} timed out: ${stderr}`));
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as unknown as number) : 0, stdout, stderr });
    });
  });
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function sizeOf(path: string): Promise<number> {
  return (await stat(path)).size;
}

/** Deterministic pseudo-random content: fast to make, and a misplaced block is visible in the hash. */
export function patternedData(size: number, seed = 1): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    buf.writeUInt32LE(x, i);
  }
  for (let i = size - (size % 4); i < size; i++) buf[i] = i & 0xff;
  return buf;
}

// ---- raw packets (RFC 1350 section 5, RFC 2347) ----

export const OP = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

export function rrq(file: string, options: Record<string, string | number> = {}, op: number = OP.RRQ): Buffer {
  const parts = [file, 'octet', ...Object.entries(options).flatMap(([k, v]) => [k, String(v)])];
  return Buffer.concat([u16(op), ...parts.map((p) => Buffer.from(`${p}\0`, 'latin1'))]);
}

export function ack(block: number): Buffer {
  return Buffer.concat([u16(OP.ACK), u16(block)]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export type Packet =
  | { op: 'DATA'; block: number; data: Buffer }
  | { op: 'ERROR'; code: number; message: string }
  | { op: 'OACK'; options: Record<string, string> }
  | { op: 'OTHER'; raw: Buffer };

export function parse(msg: Buffer): Packet {
  const op = msg.length >= 2 ? msg.readUInt16BE(0) : -1;
  if (op === OP.DATA) return { op: 'DATA', block: msg.readUInt16BE(2), data: msg.subarray(4) };
  if (op === OP.ERROR) return { op: 'ERROR', code: msg.readUInt16BE(2), message: msg.subarray(4).toString('latin1').replace(/\0.*$/s, '') };
  if (op === OP.OACK) {
    const fields = msg.subarray(2).toString('latin1').split('\0');
    const options: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) options[fields[i]] = fields[i + 1];
    return { op: 'OACK', options };
  }
  return { op: 'OTHER', raw: msg };
}

/** A UDP socket that queues what it receives, with the sender's port (the server's transfer TID). */
export class RawClient {
  readonly socket: Socket = createSocket('udp4');
  readonly #queue: Array<{ packet: Packet; port: number }> = [];
  readonly #waiters: Array<() => void> = [];

  static async open(): Promise<RawClient> {
    const c = new RawClient();
    await new Promise<void>((resolve) => c.socket.bind(0, HOST, resolve));
    c.socket.on('message', (msg, rinfo) => {
      c.#queue.push({ packet: parse(msg), port: rinfo.port });
      for (const w of c.#waiters.splice(0)) w();
    });
    return c;
  }

  /** Resolves once the datagram has left (await it before `close()`, which would drop it). */
  send(buf: Buffer, port: number): Promise<void> {
    return new Promise((resolve) => this.socket.send(buf, port, HOST, () => resolve()));
  }

  /** The next packet, or null after `timeoutMs` of silence. */
  next(timeoutMs = 3000): Promise<{ packet: Packet; port: number } | null> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(this.#queue.shift() ?? null);
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}

export async function writeTemp(dir: string, name: string, data: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}
