// Incremental parser of the aws-chunked body framing used by streaming SigV4 uploads
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and sigv4-streaming-trailers.html):
//   hex-size[;chunk-signature=SIG]\r\n <size bytes> \r\n   … repeated, then a 0-size chunk, then
//   trailer lines `name:value\r\n` (none without a trailer) and an empty line.
// Pure: bytes in, events out. Verifying signatures and checksums is the caller's job (s3/aws-chunked-stream.ts).

export type ChunkedEvent =
  | { type: 'chunk'; size: number; signature: string | null }
  | { type: 'data'; bytes: Buffer }
  | { type: 'chunk-end' }
  | { type: 'trailer'; name: string; value: string }
  | { type: 'end' };

export type ChunkedResult = { ok: true; events: ChunkedEvent[] } | { ok: false; message: string };

/** A size line or trailer line longer than this is not aws-chunked (`ffffffff;chunk-signature=<64 hex>` is 89). */
const MAX_LINE = 4096;
/** At most this many trailer lines: clients send one checksum plus, when signed, the trailer signature. */
const MAX_TRAILERS = 8;

const SIZE_LINE_RE = /^([0-9a-fA-F]{1,8})(?:;chunk-signature=([0-9a-f]{64}))?$/;

type State = 'size' | 'data' | 'data-crlf' | 'trailer' | 'done';

export class AwsChunkedParser {
  #state: State = 'size';
  #line = '';
  #remaining = 0;
  #crlf = '';
  #trailers = 0;
  readonly #maxChunk: number;

  /** `maxChunk` bounds what a caller that buffers one whole chunk (to check its signature) may have to hold. */
  constructor(maxChunk: number) {
    this.#maxChunk = maxChunk;
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  push(buf: Buffer): ChunkedResult {
    const events: ChunkedEvent[] = [];
    let i = 0;
    while (i < buf.length) {
      switch (this.#state) {
        case 'data': {
          const n = Math.min(this.#remaining, buf.length - i);
          events.push({ type: 'data', bytes: buf.subarray(i, i + n) });
          this.#remaining -= n;
          i += n;
          if (this.#remaining === 0) this.#state = 'data-crlf';
          break;
        }
        case 'data-crlf': {
          this.#crlf += String.fromCharCode(buf[i++]);
          if (this.#crlf.length === 2) {
            if (this.#crlf !== '\r\n') return { ok: false, message: 'chunk data is not followed by CRLF' };
            this.#crlf = '';
            events.push({ type: 'chunk-end' });
            this.#state = 'size';
          }
          break;
        }
        case 'size':
        case 'trailer': {
          const nl = buf.indexOf(0x0a, i);
          const end = nl < 0 ? buf.length : nl + 1;
          this.#line += buf.toString('latin1', i, end);
          i = end;
          if (this.#line.length > MAX_LINE) return { ok: false, message: 'aws-chunked line too long' };
          if (nl < 0) break;
          if (!this.#line.endsWith('\r\n')) return { ok: false, message: 'aws-chunked line does not end with CRLF' };
          const line = this.#line.slice(0, -2);
          this.#line = '';
          const r = this.#state === 'size' ? this.#sizeLine(line, events) : this.#trailerLine(line, events);
          if (r) return { ok: false, message: r };
          break;
        }
        case 'done':
          return { ok: false, message: 'data after the end of the aws-chunked body' };
      }
    }
    return { ok: true, events };
  }

  #sizeLine(line: string, events: ChunkedEvent[]): string | null {
    const m = SIZE_LINE_RE.exec(line);
    if (!m) return 'malformed chunk size line';
    const size = parseInt(m[1], 16);
    if (size > this.#maxChunk) return `chunk of ${size} bytes exceeds the ${this.#maxChunk}-byte limit`;
    events.push({ type: 'chunk', size, signature: m[2] ?? null });
    if (size === 0) {
      // The final chunk: its (empty) data CRLF doubles as the end of an empty trailer section.
      this.#state = 'trailer';
    } else {
      this.#remaining = size;
      this.#state = 'data';
    }
    return null;
  }

  #trailerLine(line: string, events: ChunkedEvent[]): string | null {
    if (line === '') {
      events.push({ type: 'chunk-end' }, { type: 'end' });
      this.#state = 'done';
      return null;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || ++this.#trailers > MAX_TRAILERS) return 'malformed trailer';
    events.push({ type: 'trailer', name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
    return null;
  }
}
