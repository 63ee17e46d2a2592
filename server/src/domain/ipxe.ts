// iPXE scripts served to machines (DESIGN §3, §5). iPXE expands `${…}` everywhere with no escape, then splits
// the line on whitespace, re-joins arguments with single spaces, treats a token starting with `#` as a comment
// and standalone `;` `&&` `||` as command separators. So every token we emit that carries data is checked with
// isIpxeSafeToken; a failure here is a bug (values are validated when profiles and machines are saved), hence
// an exception and not a Result.

const SHEBANG = '#!ipxe\n';
const SEPARATORS = new Set([';', '&&', '||']);
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * True when iPXE passes `s` through as one unchanged argument: printable ASCII without spaces (iPXE would split
 * or re-space it; non-ASCII is refused too, to keep kernel lines byte-predictable), no `${` (expansion), no
 * leading `#` (comment), and not a command separator.
 */
export function isIpxeSafeToken(s: string): boolean {
  return PRINTABLE_ASCII.test(s) && !s.includes('${') && !s.startsWith('#') && !SEPARATORS.has(s);
}

/**
 * GET /boot.ipxe, the same for every machine: chain to this machine's own script. `netX` is the interface iPXE
 * booted from (`net0` is wrong on multi-NIC machines). `:hexhyp` spells the MAC `aa-bb-…`, keeping `:` out of
 * the query; `${uuid}` stays in its default format (its raw value is binary, `:uristring` would garble it);
 * the free-text settings go through `:uristring`. `--replace` keeps retry loops from nesting scripts (iPXE's
 * stack is small); a server that can't be reached is retried every 10 s rather than falling to the next device.
 */
export function renderBootstrapScript(publicUrl: string): string {
  const base = baseUrl(publicUrl);
  const query = 'mac=${netX/mac:hexhyp}&uuid=${uuid}&arch=${buildarch:uristring}&platform=${platform:uristring}';
  return script([
    ':retry',
    `chain --replace --autofree ${base}/ipxe?${query} || goto failed`,
    ':failed',
    echo(`b2c-netboot: could not load a boot script from ${base}, retrying in 10 s`),
    'sleep 10',
    'goto retry',
  ]);
}

export interface BootScriptInput {
  kernelUrl: string;
  initrdUrl: string;
  /** The initramfs image name; `initrd=NAME` leads the kernel line because EFI kernels find their initrd by it. */
  initrdName: string;
  /** b2c's kernel line as built by buildB2cBoot (already iPXE-safe, single-spaced). */
  kernelCmdline: string;
}

/** A known, enabled machine: load kernel and initramfs, boot. */
export function renderBootScript(b: BootScriptInput): string {
  const name = safe(b.initrdName, 'initrd name');
  const args = b.kernelCmdline === '' ? [] : b.kernelCmdline.split(' ').map((t) => safe(t, 'kernel argument'));
  return script([
    ['kernel', safe(b.kernelUrl, 'kernel URL'), `initrd=${name}`, ...args].join(' '),
    `initrd --name ${name} ${safe(b.initrdUrl, 'initrd URL')}`,
    'boot',
  ]);
}

export interface RetryScriptInput {
  mac: string;
  retrySeconds: number;
  /** Absolute URL of /boot.ipxe: starting over picks up a profile assigned meanwhile. */
  chainUrl: string;
  message: string;
}

/** An unknown (just discovered) machine: say so, wait, start over. */
export function renderRetryScript(o: RetryScriptInput): string {
  return script([
    echo(`b2c-netboot: ${safe(o.mac, 'MAC')}: ${o.message}`),
    ...retry(o.retrySeconds, o.chainUrl),
  ]);
}

/** A disabled machine: say so, give a person at the console time to read it, then leave iPXE. */
export function renderDisabledScript(o: { mac: string; message: string }): string {
  return script([echo(`b2c-netboot: ${safe(o.mac, 'MAC')}: ${o.message}`), 'sleep 10', 'exit 1']);
}

/** Give the machine back to its firmware (next boot device). */
export function renderExitScript(message: string): string {
  return script([echo(`b2c-netboot: ${message}`), 'exit 1']);
}

/** The server failed to render a script (store down, …): retry later instead of leaving the machine stuck. */
export function renderErrorScript(message: string, retrySeconds: number, chainUrl: string): string {
  return script([echo(`b2c-netboot: ${message}`), ...retry(retrySeconds, chainUrl)]);
}

function retry(seconds: number, chainUrl: string): string[] {
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`iPXE retry delay must be a positive integer: ${seconds}`);
  return [
    echo(`b2c-netboot: retrying in ${seconds} s`),
    `sleep ${seconds}`,
    `chain --replace --autofree ${safe(absoluteUrl(chainUrl), 'chain URL')}`,
  ];
}

/** `echo` with every word checked: a message is server text, but a `#` or `${` in it would still bite. */
function echo(message: string): string {
  const words = message.split(/\s+/).filter((w) => w !== '');
  return ['echo', ...words.map((w) => safe(w, 'message word'))].join(' ');
}

/** The public URL without trailing slashes. Debian's 2019 iPXE mis-parses relative URIs (DESIGN §5). */
function baseUrl(publicUrl: string): string {
  return safe(absoluteUrl(publicUrl.replace(/\/+$/, '')), 'public URL');
}

function absoluteUrl(url: string): string {
  if (!/^https?:\/\/[^/]/.test(url)) throw new Error(`iPXE scripts need absolute http(s) URLs: ${JSON.stringify(url)}`);
  return url;
}

function safe(token: string, what: string): string {
  if (!isIpxeSafeToken(token)) throw new Error(`${what} is not safe in an iPXE script: ${JSON.stringify(token)}`);
  return token;
}

function script(lines: string[]): string {
  return SHEBANG + lines.join('\n') + '\n';
}
