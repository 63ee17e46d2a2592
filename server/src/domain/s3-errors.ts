// The S3 error codes the gateway answers with, in one table: AWS's own names and statuses
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList) so every S3 client
// recognises them. The body is S3's XML error document.
export const S3_ERRORS = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  EntityTooLarge: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidDigest: 400,
  InvalidRequest: 400,
  MalformedXML: 400,
  MissingContentLength: 411,
  MissingSecurityHeader: 400,
  NoSuchBucket: 404,
  ObjectLockConfigurationNotFoundError: 404,
  RequestTimeTooSkewed: 403,
  ServiceUnavailable: 503,
  SignatureDoesNotMatch: 403,
  SlowDown: 503,
  XAmzContentSHA256Mismatch: 400,
} as const;

export type S3ErrorCode = keyof typeof S3_ERRORS;

export interface S3ErrorBody {
  code: S3ErrorCode;
  message: string;
  resource: string;
  requestId: string;
}

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

export function s3ErrorXml(e: S3ErrorBody): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    `<Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message>` +
    `<Resource>${xmlEscape(e.resource)}</Resource><RequestId>${xmlEscape(e.requestId)}</RequestId></Error>`;
}
