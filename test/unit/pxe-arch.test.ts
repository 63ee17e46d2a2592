import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootFileForArch, type BootFileOptions } from '../../server/src/domain/pxe-arch.ts';

const cases: Array<{ name: string; arch: number; opts?: BootFileOptions; want: string | null }> = [
  { name: 'BIOS', arch: 0, want: 'undionly.kpxe' },
  { name: 'EFI IA32', arch: 6, want: 'snponly.efi' },
  { name: 'EFI BC (OVMF)', arch: 7, want: 'snponly.efi' },
  { name: 'EFI x86-64', arch: 9, want: 'snponly.efi' },
  { name: 'EFI x86-64 with ipxe.efi chosen', arch: 9, opts: { uefiBinary: 'ipxe.efi' }, want: 'ipxe.efi' },
  { name: 'arm64 without a binary', arch: 11, want: null },
  { name: 'arm64 with a binary', arch: 11, opts: { arm64Binary: 'ipxe-arm64.efi' }, want: 'ipxe-arm64.efi' },
  { name: 'unknown arch', arch: 2, want: null },
  { name: 'UEFI HTTP boot is not TFTP', arch: 16, want: null },
  { name: 'override wins on BIOS', arch: 0, opts: { override: 'custom.kpxe' }, want: 'custom.kpxe' },
  { name: 'override wins on unknown arch', arch: 42, opts: { override: 'custom.efi' }, want: 'custom.efi' },
  { name: 'null override is no override', arch: 0, opts: { override: null }, want: 'undionly.kpxe' },
  { name: 'empty override is no override', arch: 7, opts: { override: '' }, want: 'snponly.efi' },
];

for (const c of cases) {
  test(`bootFileForArch: ${c.name}`, () => {
    assert.equal(bootFileForArch(c.arch, c.opts), c.want);
  });
}
