// Which iPXE binary a PXE client gets, by the client system architecture it sends in DHCP option 93
// (RFC 4578 section 2.1; numbers from the IANA "Processor Architecture Types" registry). Used by the README's
// DHCP recipes and by ProxyDHCP. Pure: no I/O.

/** DHCP option 93 values this table knows. */
export const PXE_ARCH = {
  x86Bios: 0,
  efiIa32: 6,
  efiX86_64Bc: 7, // "EFI BC": what most x86_64 UEFI firmware (OVMF included) actually sends
  efiX86_64: 9,
  efiArm64: 11,
} as const;

/** Debian's `ipxe` package ships these names in /usr/lib/ipxe. */
export const BIOS_BINARY = 'undionly.kpxe';
export type UefiBinary = 'ipxe.efi' | 'snponly.efi';
/**
 * `ipxe.efi` carries its own NIC drivers and works on firmware with a broken SNP; `snponly.efi` drives the NIC
 * through the firmware's SNP, the NIC the firmware booted from: the safer default on real hardware with several
 * NICs or NICs iPXE has no driver for.
 */
export const DEFAULT_UEFI_BINARY: UefiBinary = 'snponly.efi';

export interface BootFileOptions {
  /** Per-machine override: wins for every architecture. */
  override?: string | null;
  /** Name of an arm64 EFI iPXE build (Debian ships none for amd64 hosts): without it arm64 clients get nothing. */
  arm64Binary?: string | null;
  uefiBinary?: UefiBinary;
}

/**
 * The boot file for a client architecture, or null when we have nothing that client can run (unknown
 * architecture, or arm64 without an arm64 binary). IA32 EFI (6) gets the x86_64 build like the table
 * says: a 32-bit UEFI machine needs an i386 EFI build given as a per-machine override.
 */
export function bootFileForArch(arch: number, opts: BootFileOptions = {}): string | null {
  if (opts.override) return opts.override;
  switch (arch) {
    case PXE_ARCH.x86Bios:
      return BIOS_BINARY;
    case PXE_ARCH.efiIa32:
    case PXE_ARCH.efiX86_64Bc:
    case PXE_ARCH.efiX86_64:
      return opts.uefiBinary ?? DEFAULT_UEFI_BINARY;
    case PXE_ARCH.efiArm64:
      return opts.arm64Binary ?? null;
    default:
      return null;
  }
}
