// Reads what the test initramfs (boot-payload/test-initramfs/init) printed on the serial console.
// Pure: serial text in, structured report out.
import { createHash } from 'node:crypto';

export const DONE_MARKER = /===B2C-TEST DONE status=(\d+)[^\n]*===/;

export interface GuestDocument {
  /** The exact bytes the guest fetched from b2c.extra_args_url, decoded from its base64 copy. */
  text: string;
  /** What the guest's sha256sum said; `text` hashes to it when the serial copy is intact. */
  sha256: string;
  bytes: number;
}

export interface BootReport {
  cmdline: string | undefined;
  extraArgs: GuestDocument | undefined;
  /** The init's exit status (0 = every step worked), undefined if it never finished. */
  status: number | undefined;
  /** Markers that report a failed step (`DHCP-FAILED eth0`, `INSMOD-FAILED virtio`, …). */
  failures: string[];
}

const FAILURE = /^===B2C-TEST ((?:NO-|[A-Z-]*FAILED)[^=]*)===$/gm;

function block(serial: string, name: string): string | undefined {
  const begin = `===B2C-TEST ${name}-BEGIN===\n`;
  const start = serial.indexOf(begin);
  if (start < 0) return undefined;
  const end = serial.indexOf(`\n===B2C-TEST ${name}-END===`, start + begin.length - 1);
  if (end < 0) return undefined;
  return serial.slice(start + begin.length, end);
}

export function parseBootReport(serial: string): BootReport {
  const text = serial.replace(/\r/g, '');
  const cmdline = block(text, 'CMDLINE');
  const digest = /===B2C-TEST EXTRA-ARGS-SHA256 ([0-9a-f]{64}) bytes=(\d+)===/.exec(text);
  const base64 = block(text, 'EXTRA-ARGS-BASE64');
  let extraArgs: GuestDocument | undefined;
  if (digest && base64 !== undefined) {
    const bytes = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== digest[1] || bytes.length !== Number(digest[2])) {
      throw new Error(`serial copy of the extra document is damaged: guest said ${digest[1]}/${digest[2]} bytes, got ${sha256}/${bytes.length}`);
    }
    extraArgs = { text: bytes.toString('utf8'), sha256, bytes: bytes.length };
  }
  const done = DONE_MARKER.exec(text);
  return {
    cmdline,
    extraArgs,
    status: done ? Number(done[1]) : undefined,
    failures: [...text.matchAll(FAILURE)].map((m) => m[1].trim()),
  };
}
