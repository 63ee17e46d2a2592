// What a TFTP name refers to: a generated chain script, an iPXE binary from the configured directory, or an
// artifact. Knows nothing about the protocol (STYLE: the protocol never touches files; this supplies the bytes).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { renderChainScript } from './chain-script.ts';

/** The narrow view of the artifact store the TFTP edge needs. */
export interface TftpArtifacts {
  find(name: string): Promise<{ path: string; size: number; kind: string } | null>;
}

export type TftpSource =
  | { kind: 'script'; data: Buffer }
  /** `chainload`: a binary PXE firmware loads to run iPXE, whose repeat request the loop breaker watches. */
  | { kind: 'file'; path: string; size: number; chainload: boolean };

/** Names EFI iPXE (and our README recipes) ask for over TFTP; they are generated, never read from disk. */
export const GENERATED_SCRIPTS: ReadonlySet<string> = new Set(['autoexec.ipxe', 'boot.ipxe']);

/** PXE-loadable iPXE builds: `undionly.kpxe`, `undionly.kkpxe`, `ipxe.pxe`, `ipxe.efi`, `snponly.efi`, … */
const CHAINLOAD_NAME = /\.(k{0,2}pxe|efi)$/;

export interface FileSourceOptions {
  ipxeDir: string | null;
  artifacts: TftpArtifacts;
  bootScriptUrl: () => string;
}

export interface FileSource {
  /** `name` must already be a resolved, relative name (see names.ts). Null: nothing by that name. Throws on a
   * broken store or directory (not a "not found"). */
  lookup(name: string): Promise<TftpSource | null>;
  chainScript(): TftpSource;
}

export function createFileSource(opts: FileSourceOptions): FileSource {
  const chainScript = (): TftpSource => ({ kind: 'script', data: Buffer.from(renderChainScript(opts.bootScriptUrl())) });

  async function fromIpxeDir(name: string): Promise<TftpSource | null> {
    if (opts.ipxeDir === null) return null;
    // stat follows symlinks on purpose: the directory is the admin's, and Debian's ipxe.efi is a link to /boot.
    const path = join(opts.ipxeDir, name);
    try {
      const st = await stat(path);
      return st.isFile() ? { kind: 'file', path, size: st.size, chainload: CHAINLOAD_NAME.test(name) } : null;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw err;
    }
  }

  return {
    chainScript,
    async lookup(name) {
      if (GENERATED_SCRIPTS.has(name)) return chainScript();
      const fromDir = await fromIpxeDir(name);
      if (fromDir) return fromDir;
      const artifact = await opts.artifacts.find(name);
      if (!artifact) return null;
      return { kind: 'file', path: artifact.path, size: artifact.size, chainload: artifact.kind === 'ipxe' };
    },
  };
}
