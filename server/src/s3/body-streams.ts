// Transforms that verify an upload while it streams to the backend. Each one holds back its last piece of
// output until the whole body has been verified: the backend receives exactly Content-Length bytes only when
// everything matched, so a bad body always ends as an aborted upstream request and the backend keeps nothing.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AwsChunkedParser } from '../domain/aws-chunked.ts';
import { type CredentialScope, chunkStringToSign, sha256Hex, signature, signaturesEqual, trailerStringToSign } from '../domain/sigv4.ts';
import { type ChecksumAlgorithm, type RunningChecksum, checksumAlgorithmOf, createChecksum } from './checksum.ts';
import { S3Error } from './s3-error.ts';

/** Buffer this much on each side: fewer, larger hops between the socket, the hash and the upstream request. */
const STREAM_HIGH_WATER_MARK = 256 * 1024;

abstract class HoldBackTransform extends Transform {
  #held: Buffer | null = null;
  protected bytesOut = 0;

  constructor() {
    super({ highWaterMark: STREAM_HIGH_WATER_MARK });
  }

  /** `bytes` may be a view of an incoming chunk: Node never reuses those, so holding the view is safe. */
  protected emitVerified(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.#held) this.push(this.#held);
    this.#held = bytes;
    this.bytesOut += bytes.length;
  }

  protected releaseHeld(): void {
    if (this.#held) this.push(this.#held);
    this.#held = null;
  }
}

export interface ExpectedChecksum {
  algorithm: ChecksumAlgorithm;
  base64: string;
}

/** Plain body: optional hex sha256 (the signed x-amz-content-sha256) and optional x-amz-checksum-* header. */
export class PayloadVerifyStream extends HoldBackTransform {
  readonly #sha: Hash | null;
  readonly #checksum: RunningChecksum | null;

  constructor(private readonly expectedSha256: string | null, private readonly expectedChecksum: ExpectedChecksum | null) {
    super();
    this.#sha = expectedSha256 ? createHash('sha256') : null;
    this.#checksum = expectedChecksum ? createChecksum(expectedChecksum.algorithm) : null;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#sha?.update(chunk);
    this.#checksum?.update(chunk);
    this.emitVerified(chunk);
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.#sha && this.#sha.digest('hex') !== this.expectedSha256) {
      return cb(new S3Error('XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.'));
    }
    if (this.#checksum && this.#checksum.digestBase64() !== this.expectedChecksum!.base64) {
      return cb(new S3Error('BadDigest', `The ${this.expectedChecksum!.algorithm} you specified did not match the calculated checksum.`));
    }
    this.releaseHeld();
    cb();
  }
}

export interface ChunkSigning {
  signingKey: Buffer;
  amzDate: string;
  scope: CredentialScope;
  /** The request's own signature: the first link of the chunk chain. */
  seedSignature: string;
}

export interface AwsChunkedOptions {
  /** null for STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
  signing: ChunkSigning | null;
  /** The header named by x-amz-trailer (e.g. `x-amz-checksum-crc32`), or null when no trailer was announced. */
  trailer: string | null;
  decodedLength: number;
  maxChunk: number;
}

/** Decodes aws-chunked, verifying every chunk signature, the trailer signature and the trailing checksum. */
export class AwsChunkedDecodeStream extends HoldBackTransform {
  readonly #parser: AwsChunkedParser;
  readonly #opts: AwsChunkedOptions;
  readonly #checksum: RunningChecksum | null;
  readonly #algorithm: ChecksumAlgorithm | null;
  #previousSignature: string;
  #chunkSignature: string | null = null;
  #chunkParts: Buffer[] = [];
  #trailers = new Map<string, string>();
  #canonicalTrailer = '';

  constructor(opts: AwsChunkedOptions) {
    super();
    this.#opts = opts;
    this.#parser = new AwsChunkedParser(opts.maxChunk);
    this.#previousSignature = opts.signing?.seedSignature ?? '';
    this.#algorithm = opts.trailer ? checksumAlgorithmOf(opts.trailer) : null;
    if (opts.trailer && !this.#algorithm) throw new S3Error('InvalidRequest', `Unsupported x-amz-trailer ${opts.trailer.slice(0, 40)}`);
    this.#checksum = this.#algorithm ? createChecksum(this.#algorithm) : null;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const r = this.#parser.push(chunk);
    if (!r.ok) return cb(new S3Error('IncompleteBody', `Invalid aws-chunked body: ${r.message}`));
    try {
      for (const e of r.events) {
        switch (e.type) {
          case 'chunk':
            if (this.#opts.signing && !e.signature) throw new S3Error('SignatureDoesNotMatch', 'A chunk has no chunk-signature');
            if (!this.#opts.signing && e.signature) throw new S3Error('InvalidRequest', 'Unexpected chunk-signature in an unsigned stream');
            this.#chunkSignature = e.signature;
            break;
          case 'data':
            // Signed chunks are held until their signature is checked; unsigned ones flow at once.
            if (this.#opts.signing) this.#chunkParts.push(e.bytes);
            else this.#accept(e.bytes);
            break;
          case 'chunk-end':
            if (this.#opts.signing) this.#verifyChunk();
            break;
          case 'trailer':
            this.#trailers.set(e.name, e.value);
            if (e.name !== 'x-amz-trailer-signature') this.#canonicalTrailer += `${e.name}:${e.value}\n`;
            break;
          case 'end':
            this.#verifyEnd();
            break;
        }
      }
    } catch (err) {
      return cb(err as Error);
    }
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (!this.#parser.done) return cb(new S3Error('IncompleteBody', 'The aws-chunked body ended before its final chunk'));
    this.releaseHeld();
    cb();
  }

  #accept(bytes: Buffer): void {
    this.#checksum?.update(bytes);
    if (this.bytesOut + bytes.length > this.#opts.decodedLength) {
      throw new S3Error('IncompleteBody', 'The body is longer than x-amz-decoded-content-length');
    }
    this.emitVerified(bytes);
  }

  #verifyChunk(): void {
    const s = this.#opts.signing!;
    const data = Buffer.concat(this.#chunkParts);
    this.#chunkParts = [];
    const expected = signature(s.signingKey, chunkStringToSign(s.amzDate, s.scope, this.#previousSignature, sha256Hex(data)));
    if (!signaturesEqual(expected, this.#chunkSignature ?? '')) {
      throw new S3Error('SignatureDoesNotMatch', 'The chunk signature we calculated does not match the signature you provided.');
    }
    this.#previousSignature = expected;
    this.#accept(data);
  }

  #verifyEnd(): void {
    if (this.bytesOut !== this.#opts.decodedLength) {
      throw new S3Error('IncompleteBody', 'The decoded body length does not match x-amz-decoded-content-length');
    }
    const s = this.#opts.signing;
    const trailerSig = this.#trailers.get('x-amz-trailer-signature');
    if (s && this.#opts.trailer) {
      const expected = signature(s.signingKey, trailerStringToSign(s.amzDate, s.scope, this.#previousSignature, this.#canonicalTrailer));
      if (!signaturesEqual(expected, trailerSig ?? '')) {
        throw new S3Error('SignatureDoesNotMatch', 'The trailer signature we calculated does not match the signature you provided.');
      }
    } else if (trailerSig !== undefined) {
      throw new S3Error('InvalidRequest', 'Unexpected x-amz-trailer-signature');
    }
    for (const name of this.#trailers.keys()) {
      if (name !== 'x-amz-trailer-signature' && name !== this.#opts.trailer) throw new S3Error('InvalidRequest', `Unannounced trailer ${name.slice(0, 40)}`);
    }
    if (this.#opts.trailer) {
      const sent = this.#trailers.get(this.#opts.trailer);
      if (sent === undefined) throw new S3Error('IncompleteBody', `The announced trailer ${this.#opts.trailer} is missing`);
      if (sent !== this.#checksum!.digestBase64()) {
        throw new S3Error('BadDigest', `The ${this.#algorithm} you specified did not match the calculated checksum.`);
      }
    }
  }
}
