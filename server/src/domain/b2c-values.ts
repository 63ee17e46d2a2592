// What any value boot2container reads must obey, wherever it goes (DESIGN §4), and the internal signal the
// builder uses to stop at the first refused value.
import type { FieldError } from './types.ts';

/** Thrown by the builder's helpers; buildB2cBoot turns it into `{ ok: false, error }`. Never escapes the domain. */
export class Refused extends Error {
  constructor(readonly fieldError: FieldError) {
    super(fieldError.message);
    this.name = 'Refused';
  }
}

export function refuse(field: string, message: string): never {
  throw new Refused({ field, message });
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * b2c splits its command line (and each document line) on `"`, so no value can hold one; repeatable values are
 * read back with `echo -e`, which rewrites backslashes (`\n` would split a stage in two); a newline would start
 * a new parameter. Backslashes are refused in every value, not only repeatable ones: one rule is easier to
 * explain and no b2c option needs them.
 */
export function checkText(value: string, field: string): void {
  if (typeof value !== 'string') refuse(field, 'must be a string');
  if (value.includes('"')) refuse(field, 'must not contain a double quote ("): boot2container splits its command line on quotes');
  if (value.includes('\\')) refuse(field, 'must not contain a backslash: boot2container reads values back with `echo -e`');
  if (CONTROL.test(value)) refuse(field, 'must not contain control characters (newline, tab, …)');
}

/** One line of the extra document: always quoted, so spaces and UTF-8 text reach b2c unchanged. */
export function quoted(param: string, value: string, field: string): string {
  checkText(value, field);
  return `${param}="${value}"`;
}

/**
 * A field of `b2c.minio` or of a volume spec. Volume specs are word-split and split on `,` by b2c's shell;
 * minio fields go through an unquoted `echo` (`*?[` would glob). `allowGlob` is for `exclude=` patterns, which
 * are globs by design.
 */
export function checkSpecField(value: string, field: string, allowGlob = false): void {
  checkText(value, field);
  if (value === '') refuse(field, 'must not be empty');
  if (/[\s,]/.test(value)) refuse(field, 'must not contain spaces or commas');
  if (!allowGlob && /[*?[]/.test(value)) refuse(field, 'must not contain glob characters (*, ?, [)');
}
