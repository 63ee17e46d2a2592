// The boot2container command line, split in two (DESIGN §4): a short kernel line with what b2c needs before it
// has network access to the rest, and the "extra document" it downloads from `b2c.extra_args_url` with the
// pipeline, volumes and credentials. The same builder serves a real boot and the admin preview (which passes
// the document through redactExtraArgs), so what an admin sees is what a machine gets.
//
// Quoting. b2c splits each line on `"` and keeps whitespace inside quotes, so a value can never hold `"`; it
// reads repeatable values back with `echo -e`, so backslashes would be rewritten: both are refused everywhere.
// Control characters (newline above all: it would start a new parameter) are refused everywhere too.
// - Extra document: one parameter per line, always `key="value"` (flags bare: b2c matches `b2c.pipefail`
//   exactly), so any other character, including UTF-8 text, reaches b2c unchanged.
// - Kernel line: no quotes at all, `key=value`, each argument an iPXE-safe token (printable ASCII, no
//   whitespace: iPXE would split it and re-join with single spaces, collapsing what quotes were meant to keep).
//
// Kernel line order (fixed, so previews and tests are stable): profile kernelArgs, machine kernelArgs,
// b2c.ntp_peer, b2c.cache_device, b2c.swap, b2c.insmods, b2c.filesystem…, b2c.iface…, b2c.extra_args_url.
// Document order: b2c.hostname, b2c.poweroff_delay, b2c.pipefail, other b2c.KEY (sorted), b2c.minio,
// b2c.volume…, services, stages, post-containers.
//
// Machine overrides: a b2c option replaces the profile's (an `iface`/`filesystem` list replaces the whole
// list), `extra` merges key by key, kernelArgs are appended after the profile's.
//
// Field paths in errors: values from the profile are named as in the profile (`containers[1]`, `b2c.swap`),
// values from the machine's overrides under `machine.` (`machine.kernelArgs`), the S3 access under `s3.`.
import { B2C_PARAMS, DEFAULT_B2C_DIALECT } from './b2c-params.ts';
import { isIpxeSafeToken } from './ipxe.ts';
import { checkText, quoted, Refused, refuse } from './b2c-values.ts';
import { fillPlaceholders, type PlaceholderContext } from './placeholders.ts';
import { volumeLines } from './volumes.ts';
import type { Arch, B2cOptions, ProfileSpec, Result } from './types.ts';

/**
 * Longest kernel command line in bytes, without the terminating NUL: COMMAND_LINE_SIZE is 2048 on x86 (and
 * iPXE on BIOS truncates silently beyond it), 4096 on arm64 since Linux 6.x, 1024 on riscv.
 */
export const KERNEL_CMDLINE_LIMITS: Record<Arch, number> = { x86_64: 2047, arm64: 4095, riscv64: 1023 };

export const DEFAULT_ARCH: Arch = 'x86_64';

export interface BootMachine {
  mac: string;
  name: string | null;
  kernelArgs?: string;
  b2c?: B2cOptions;
  variables?: Record<string, string>;
}

/** Where b2c's `mcli` reaches this machine's volumes: `b2c.minio="ALIAS,URL,ACCESS,SECRET"`. */
export interface S3Access {
  /** The mcli alias, e.g. `netboot`. */
  alias: string;
  url: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** The machine's prefix in the bucket, `machines/<machex>`; each volume mirrors `PREFIX/NAME`. */
  prefix: string;
}

export interface B2cBuildInput {
  profile: ProfileSpec;
  machine: BootMachine;
  extraArgsUrl: string;
  /** null: the server has no S3 gateway, volumes stay local to the machine's cache. */
  s3?: S3Access | null;
}

export interface B2cBoot {
  /** The arguments after `kernel URL initrd=NAME` (renderBootScript adds those). */
  kernelCmdline: string;
  /** The extra document served at `b2c.extra_args_url`. Holds secrets: redact before showing it. */
  extraArgs: string;
  /** Bytes the kernel receives in the worst case (EFI): `<kernel image> initrd=<initrd image> <kernelCmdline>`. */
  kernelCmdlineBytes: number;
  kernelCmdlineLimit: number;
}

/** Names of b2c parameters this builder writes itself; `b2c.extra` may not set them behind its back. */
const MANAGED_KEYS = new Set([
  ...Object.values(B2C_PARAMS).flatMap((p) => [p.stage, p.post, p.service]),
  'b2c.pipefail', 'b2c.hostname', 'b2c.poweroff_delay', 'b2c.volume', 'b2c.minio', 'b2c.extra_args_url',
  'b2c.ntp_peer', 'b2c.cache_device', 'b2c.swap', 'b2c.insmods', 'b2c.iface', 'b2c.filesystem',
].map((k) => k.slice('b2c.'.length)));

const EXTRA_KEY = /^[a-z][a-z0-9_]*$/;

/** Scalar options that must be on the kernel line (used before the extra document is fetched). */
const KERNEL_SCALARS = [
  ['ntpPeer', 'b2c.ntp_peer'],
  ['cacheDevice', 'b2c.cache_device'],
  ['swap', 'b2c.swap'],
  ['insmods', 'b2c.insmods'],
] as const;
const KERNEL_LISTS = [
  ['filesystem', 'b2c.filesystem'],
  ['iface', 'b2c.iface'],
] as const;

interface Arg {
  text: string;
  field: string;
}

export function buildB2cBoot(input: B2cBuildInput): Result<{ boot: B2cBoot }> {
  try {
    return { ok: true, boot: build(input) };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, error: err.fieldError };
    throw err;
  }
}

function build({ profile, machine, extraArgsUrl, s3 = null }: B2cBuildInput): B2cBoot {
  const arch = profile.arch ?? DEFAULT_ARCH;
  if (!Object.hasOwn(KERNEL_CMDLINE_LIMITS, arch)) refuse('arch', `unknown architecture "${arch}"`);
  const limit = KERNEL_CMDLINE_LIMITS[arch];
  const fill = filler({ machine: { name: machine.name, mac: machine.mac }, variables: machine.variables ?? {} });

  const kernel = kernelArgs(profile, machine, fill, extraArgsUrl);
  const kernelCmdline = kernel.map((a) => a.text).join(' ');
  const prefix = `${bootImageName(profile.kernel)} initrd=${bootImageName(profile.initramfs)} `;
  const bytes = Buffer.byteLength(prefix + kernelCmdline, 'utf8');
  if (bytes > limit) {
    refuse(largestPart(kernel), `the kernel command line would be ${bytes} bytes, over the ${arch} limit of ${limit} ` +
      'bytes: shorten the kernel arguments or the b2c options that go on the kernel line');
  }

  const document = [...systemLines(profile, machine, fill), ...volumeLines(profile.volumes ?? [], s3), ...pipelineLines(profile, fill)];
  return {
    kernelCmdline,
    extraArgs: document.join('\n') + '\n',
    kernelCmdlineBytes: bytes,
    kernelCmdlineLimit: limit,
  };
}

/**
 * The name iPXE gives an image fetched from `ref` (an artifact name or an http(s) URL): the last path segment.
 * The core must pass `bootImageName(profile.initramfs)` as the initrd name so the byte count here is exact.
 */
export function bootImageName(ref: string): string {
  const path = /^https?:\/\//i.test(ref) ? ref.replace(/^https?:\/\/[^/]*/i, '').replace(/[?#].*$/, '') : ref;
  return path.split('/').pop() || 'image';
}

type Fill = (value: string, field: string) => string;

function filler(ctx: PlaceholderContext): Fill {
  return (value, field) => {
    const r = fillPlaceholders(value, ctx, field);
    if (!r.ok) refuse(r.error.field, r.error.message);
    return r.value;
  };
}

function kernelArgs(profile: ProfileSpec, machine: BootMachine, fill: Fill, extraArgsUrl: string): Arg[] {
  const args: Arg[] = [];
  for (const [field, raw] of [['kernelArgs', profile.kernelArgs], ['machine.kernelArgs', machine.kernelArgs]] as const) {
    if (raw === undefined) continue;
    checkText(raw, field);
    // Split before filling placeholders (a variable holding a space must not become two arguments), keeping
    // `{{ var.X }}` whole.
    for (const token of raw.match(/(?:\{\{[^{}]*\}\}|[^ ])+/g) ?? []) {
      const text = fill(token, field);
      if (text.startsWith('b2c.extra_args_url=')) refuse(field, 'b2c.extra_args_url is set by the server');
      args.push(kernelArg(text, field));
    }
  }
  for (const [key, param] of KERNEL_SCALARS) {
    const opt = option(profile, machine, key);
    if (opt !== undefined) args.push(kernelArg(`${param}=${nonEmpty(fill(opt.value, opt.field), opt.field)}`, opt.field));
  }
  for (const [key, param] of KERNEL_LISTS) {
    const opt = option(profile, machine, key);
    opt?.value.forEach((v, i) => {
      const field = `${opt.field}[${i}]`;
      args.push(kernelArg(`${param}=${nonEmpty(fill(v, field), field)}`, field));
    });
  }
  args.push(kernelArg(`b2c.extra_args_url=${extraArgsUrl}`, 'extraArgsUrl'));
  return args;
}

function kernelArg(text: string, field: string): Arg {
  checkText(text, field);
  if (!isIpxeSafeToken(text)) {
    refuse(field, `"${text}" can't pass through iPXE on the kernel line: use printable ASCII without spaces, ` +
      'no "${", no leading "#", and not ";", "&&" or "||" alone');
  }
  return { text, field };
}

/** The field that contributes the most bytes to an over-long kernel line (the server's own URL aside). */
function largestPart(args: Arg[]): string {
  const bytes = new Map<string, number>();
  for (const a of args) {
    if (a.field !== 'extraArgsUrl') bytes.set(a.field, (bytes.get(a.field) ?? 0) + a.text.length + 1);
  }
  return [...bytes].sort((x, y) => y[1] - x[1])[0]?.[0] ?? 'extraArgsUrl';
}

function systemLines(profile: ProfileSpec, machine: BootMachine, fill: Fill): string[] {
  const lines: string[] = [];
  const hostname = option(profile, machine, 'hostname');
  if (hostname !== undefined) lines.push(quoted('b2c.hostname', nonEmpty(fill(hostname.value, hostname.field), hostname.field), hostname.field));
  const delay = option(profile, machine, 'poweroffDelay');
  if (delay !== undefined) {
    if (!Number.isInteger(delay.value) || delay.value < 0) refuse(delay.field, 'must be a whole number of seconds, 0 or more');
    lines.push(`b2c.poweroff_delay="${delay.value}"`);
  }
  if (profile.pipefail === true) lines.push('b2c.pipefail');
  // Key-wise merge: a machine overrides single keys of the profile's `extra`, not the whole map.
  const extra = new Map<string, { value: string; field: string }>();
  for (const [src, map] of [['b2c.extra', profile.b2c?.extra], ['machine.b2c.extra', machine.b2c?.extra]] as const) {
    for (const [key, value] of Object.entries(map ?? {})) extra.set(key, { value, field: `${src}.${key}` });
  }
  for (const [key, { value, field }] of [...extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!EXTRA_KEY.test(key)) refuse(field, 'b2c option names are lowercase letters, digits and "_"');
    if (MANAGED_KEYS.has(key)) refuse(field, `b2c.${key} is managed by the server: use the dedicated setting`);
    lines.push(quoted(`b2c.${key}`, fill(value, field), field));
  }
  return lines;
}

function pipelineLines(profile: ProfileSpec, fill: Fill): string[] {
  const dialect = profile.b2cDialect ?? DEFAULT_B2C_DIALECT;
  if (!Object.hasOwn(B2C_PARAMS, dialect)) refuse('b2cDialect', `unknown b2c dialect "${dialect}" (use "run" or "container")`);
  const params = B2C_PARAMS[dialect];
  if (!Array.isArray(profile.containers) || profile.containers.length === 0) {
    refuse('containers', 'at least one container stage is required');
  }
  const stages = (param: string, list: string[] | undefined, name: string) =>
    (list ?? []).map((raw, i) => {
      const field = `${name}[${i}]`;
      const value = fill(raw, field);
      if (value.trim() === '') refuse(field, 'a container stage must name at least an image');
      return quoted(param, value, field);
    });
  return [
    ...stages(params.service, profile.services, 'services'),
    ...stages(params.stage, profile.containers, 'containers'),
    ...stages(params.post, profile.postContainers, 'postContainers'),
  ];
}

/** The machine's override of an option if it has one, else the profile's, with the path it came from. */
function option<K extends keyof B2cOptions>(profile: ProfileSpec, machine: BootMachine, key: K):
  { value: NonNullable<B2cOptions[K]>; field: string } | undefined {
  const fromMachine = machine.b2c?.[key];
  if (fromMachine !== undefined && fromMachine !== null) return { value: fromMachine, field: `machine.b2c.${key}` };
  const fromProfile = profile.b2c?.[key];
  if (fromProfile !== undefined && fromProfile !== null) return { value: fromProfile, field: `b2c.${key}` };
  return undefined;
}

function nonEmpty(value: string, field: string): string {
  if (value === '') refuse(field, 'must not be empty');
  return value;
}

/**
 * The extra document with its secrets replaced by `***`: the S3 secret key (4th field of `b2c.minio`) and any
 * `encrypt_key=`/`fscrypt_key=` of a volume. For previews and logs.
 */
export function redactExtraArgs(extraArgs: string): string {
  return extraArgs
    .replace(/^(b2c\.minio="?(?:[^,"\n]*,){3})[^,"\n]*/gm, '$1***')
    .replace(/((?:^|,)(?:encrypt|fscrypt)_key=)[^,"\n]*/gm, '$1***');
}
