// Step 3 of an upload: pick the verifier for the payload mode the client signed, and the length the backend
// will receive once aws-chunked framing is removed.
import type { Transform } from 'node:stream';
import {
  type HeaderMap, type SignedRequestClaim, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER,
  UNSIGNED_PAYLOAD,
} from '../domain/sigv4.ts';
import { AwsChunkedDecodeStream, type ExpectedChecksum, PayloadVerifyStream } from './body-streams.ts';
import { CHECKSUM_ALGORITHMS } from './checksum.ts';
import { S3Error } from './s3-error.ts';

/** S3's largest single PUT. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 3;
/**
 * Signed aws-chunked chunks are held whole until their signature checks out; clients use 64 KiB (minio-go,
 * the AWS SDKs) up to 1 MiB, so 16 MiB bounds memory per upload without refusing any real client.
 */
export const MAX_SIGNED_CHUNK_BYTES = 16 * 1024 * 1024;

export interface BodyPlan {
  verifier: Transform;
  /** What the backend receives. */
  contentLength: number;
  /** The client's content-encoding with `aws-chunked` removed (or undefined). */
  contentEncoding: string | undefined;
}

const first = (h: HeaderMap, name: string): string | undefined => h[name]?.[0];

function lengthHeader(h: HeaderMap, name: string): number | null {
  const v = first(h, name);
  if (v === undefined) return null;
  if (!/^\d{1,13}$/.test(v)) throw new S3Error('InvalidArgument', `Invalid ${name}`);
  return Number(v);
}

/**
 * `bodyIsObjectData`: the body is the object or part itself (PutObject, UploadPart), so an x-amz-checksum-*
 * header describes it; on other operations (CompleteMultipartUpload) such a header describes something else.
 */
export function planBody(
  method: string, headers: HeaderMap, payloadHash: string, claim: SignedRequestClaim, signingKey: Buffer, bodyIsObjectData: boolean,
): BodyPlan {
  const encodings = (first(headers, 'content-encoding') ?? '').split(',').map((s) => s.trim()).filter((s) => s && s !== 'aws-chunked');
  const contentEncoding = encodings.length ? encodings.join(',') : undefined;
  const contentLength = lengthHeader(headers, 'content-length');
  const chunkedTransfer = first(headers, 'transfer-encoding') !== undefined;
  const streaming = [STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER].includes(payloadHash);

  if (streaming) {
    if (claim.kind === 'presigned') throw new S3Error('InvalidRequest', 'Streaming payloads need header authentication');
    const decoded = lengthHeader(headers, 'x-amz-decoded-content-length');
    if (decoded === null) throw new S3Error('MissingContentLength', 'You must provide x-amz-decoded-content-length');
    if (decoded > MAX_OBJECT_BYTES) throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    const trailer = first(headers, 'x-amz-trailer')?.trim().toLowerCase() ?? null;
    if (payloadHash === STREAMING_SIGNED && trailer) throw new S3Error('InvalidRequest', 'x-amz-trailer needs a -TRAILER payload mode');
    if (payloadHash === STREAMING_UNSIGNED_TRAILER && !trailer) throw new S3Error('InvalidRequest', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER needs x-amz-trailer');
    const signing = payloadHash === STREAMING_UNSIGNED_TRAILER
      ? null
      : { signingKey, amzDate: claim.amzDate, scope: claim.scope, seedSignature: claim.signature };
    return {
      verifier: new AwsChunkedDecodeStream({ signing, trailer, decodedLength: decoded, maxChunk: MAX_SIGNED_CHUNK_BYTES }),
      contentLength: decoded,
      contentEncoding,
    };
  }

  if (payloadHash !== UNSIGNED_PAYLOAD && !/^[0-9a-f]{64}$/.test(payloadHash)) {
    throw new S3Error('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a STREAMING-* mode, or a hex sha256');
  }
  if (contentLength === null && chunkedTransfer) throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  if ((contentLength ?? 0) > MAX_OBJECT_BYTES) throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  if (method === 'GET' || method === 'HEAD') {
    if ((contentLength ?? 0) > 0) throw new S3Error('InvalidRequest', `${method} requests carry no body`);
  }
  return {
    verifier: new PayloadVerifyStream(payloadHash === UNSIGNED_PAYLOAD ? null : payloadHash, bodyIsObjectData ? headerChecksum(headers) : null),
    contentLength: contentLength ?? 0,
    contentEncoding,
  };
}

/** An `x-amz-checksum-ALG` request header, verified like the trailer would be. */
function headerChecksum(headers: HeaderMap): ExpectedChecksum | null {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const v = first(headers, `x-amz-checksum-${algorithm}`);
    if (v !== undefined) return { algorithm, base64: v.trim() };
  }
  return null;
}
