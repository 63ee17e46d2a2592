// The iPXE script served over TFTP as `autoexec.ipxe` / `boot.ipxe` and in place of a looping chainload binary:
// it leaves TFTP for HTTP (faster, and where the per-machine logic lives). Pure.

/** Retry forever with a pause: a machine whose server is briefly down boots once it is back, untouched. */
const RETRY_SECONDS = 5;

export function renderChainScript(bootScriptUrl: string): string {
  // The URL passes through iPXE's parser: whitespace would split it, `${` would expand. It comes from config, so a
  // bad one is a bug upstream, not a client error.
  if (!/^https?:\/\/[^\s$]+$/.test(bootScriptUrl)) throw new Error(`not an absolute http(s) URL iPXE can chain: ${bootScriptUrl}`);
  return [
    '#!ipxe',
    '# b2c-netboot (TFTP): continue over HTTP',
    ':retry',
    `chain ${bootScriptUrl} || goto failed`,
    ':failed',
    `echo Could not chain ${bootScriptUrl}, retrying in ${RETRY_SECONDS} s`,
    `sleep ${RETRY_SECONDS}`,
    'goto retry',
    '',
  ].join('\n');
}
