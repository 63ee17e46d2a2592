// An expected S3 failure travelling through streams and handlers; the gateway renders it as S3 XML.
import { S3_ERRORS, type S3ErrorCode } from '../domain/s3-errors.ts';

export class S3Error extends Error {
  readonly status: number;
  constructor(readonly code: S3ErrorCode, message: string) {
    super(message);
    this.name = 'S3Error';
    this.status = S3_ERRORS[code];
  }
}
