#!/usr/bin/env node
// `npm start`'s prestart step: build the web UI when web/dist is missing, so a fresh checkout serves /ui/ without
// a separate build step. An existing build is left alone (rebuild explicitly with `npm run build`).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const index = join(root, 'web', 'dist', 'index.html');

if (!existsSync(index)) {
  process.stderr.write('web/dist is missing: running `npm run build`\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`npm run build failed (${result.error?.message ?? `exit ${result.status}`})\n`);
    process.exit(result.status ?? 1);
  }
}
