// Where benchmark results go: bench/out/NAME.{json,md} (ignored by git; bench/RESULTS.md is curated from them).
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../out/', import.meta.url));

export async function writeResult(name: string, json: unknown, markdown: string): Promise<void> {
  await mkdir(OUT, { recursive: true });
  await writeFile(`${OUT}${name}.json`, JSON.stringify(json, null, 2) + '\n');
  await writeFile(`${OUT}${name}.md`, markdown);
  process.stdout.write(markdown);
}
