// What the TFTP edge answers when it refuses or fails a read: an ERROR packet (RFC 1350 section 5) with one of
// these codes. Listed once so tests and the event stream use the same words.
import type { TftpNameRefusal } from './names.ts';

export interface TftpError {
  /** RFC 1350 error code: 0 not defined, 1 file not found, 2 access violation. */
  code: 0 | 1 | 2;
  message: string;
}

export const TFTP_ERRORS = {
  not_found: { code: 1, message: 'File not found' },
  access_violation: { code: 2, message: 'Access violation' },
  // A broken store or unreadable file is never reported as "not found" (STYLE 7): the detail goes to the log.
  internal: { code: 0, message: 'Internal server error' },
} as const satisfies Record<string, TftpError>;

const REFUSAL_MESSAGES: Record<TftpNameRefusal, string> = {
  empty: 'Access violation: empty file name',
  too_long: 'Access violation: file name too long',
  control_char: 'Access violation: control character in file name',
  backslash: 'Access violation: backslash in file name',
  absolute: 'Access violation: absolute file name',
  traversal: 'Access violation: file name leaves the TFTP root',
};

/** Refused names are access violations (code 2); the message says which rule. */
export function refusalError(refusal: TftpNameRefusal): TftpError {
  return { code: 2, message: REFUSAL_MESSAGES[refusal] };
}
