import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveTftpName, type TftpNameResult } from '../../server/src/tftp/names.ts';

const cases: Array<{ input: string; want: TftpNameResult }> = [
  { input: 'undionly.kpxe', want: { ok: true, name: 'undionly.kpxe' } },
  { input: 'efi/ipxe.efi', want: { ok: true, name: 'efi/ipxe.efi' } },
  { input: './a//b/./c', want: { ok: true, name: 'a/b/c' } },
  { input: 'with space.bin', want: { ok: true, name: 'with space.bin' } },
  { input: '..', want: { ok: false, refusal: 'traversal' } },
  { input: '../etc/passwd', want: { ok: false, refusal: 'traversal' } },
  { input: 'a/../../etc/passwd', want: { ok: false, refusal: 'traversal' } },
  { input: 'a/..', want: { ok: false, refusal: 'traversal' } },
  { input: '/etc/passwd', want: { ok: false, refusal: 'absolute' } },
  { input: '//etc/passwd', want: { ok: false, refusal: 'absolute' } },
  { input: '..\\..\\windows', want: { ok: false, refusal: 'backslash' } },
  { input: 'pxelinux.cfg\\default', want: { ok: false, refusal: 'backslash' } },
  { input: 'a\0b', want: { ok: false, refusal: 'control_char' } },
  { input: 'a\nb', want: { ok: false, refusal: 'control_char' } },
  { input: '\x7f', want: { ok: false, refusal: 'control_char' } },
  { input: '', want: { ok: false, refusal: 'empty' } },
  { input: '.', want: { ok: false, refusal: 'empty' } },
  { input: './/', want: { ok: false, refusal: 'empty' } },
  { input: 'x'.repeat(32), want: { ok: true, name: 'x'.repeat(32) } },
  { input: 'x'.repeat(33), want: { ok: false, refusal: 'too_long' } },
  { input: 'é'.repeat(17), want: { ok: false, refusal: 'too_long' } }, // 34 bytes: the limit counts bytes
  { input: '...', want: { ok: true, name: '...' } }, // a name, not a parent
];

for (const c of cases) {
  test(`resolveTftpName(${JSON.stringify(c.input).slice(0, 40)})`, () => {
    assert.deepEqual(resolveTftpName(c.input, 32), c.want);
  });
}
