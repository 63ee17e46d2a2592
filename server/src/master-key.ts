// The master key S3 secrets are derived from (DESIGN §6). Given in config, or generated once into the data dir
// with mode 0600. Losing it only invalidates the credentials of boots in flight.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function loadMasterKey(dataDir: string, configured: string | null): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'hex');
  const file = path.join(dataDir, 'master.key');
  try {
    const hex = (await readFile(file, 'utf8')).trim();
    if (!/^[0-9a-f]{64,}$/.test(hex)) throw new Error(`${file} is not a hex key; delete it to generate a new one`);
    return Buffer.from(hex, 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const key = randomBytes(32);
    // 'wx': two processes starting at once must not overwrite each other's key.
    await writeFile(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  }
}
