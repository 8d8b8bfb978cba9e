// Writes the file tree (Yosys's share/ directory) that a @yowasp/yosys
// package embeds in gen/resources-yosys.js to a directory, so that a WASI
// runtime can preopen it.   node yowasp_extract.mjs PACKAGE_DIR OUT_DIR
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [packageDir, outDir] = process.argv.slice(2);
const { filesystem } = await import(
  pathToFileURL(resolve(packageDir, 'gen/resources-yosys.js')).href);
function write(dir, tree) {
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(tree)) {
    const path = join(dir, name);
    if (typeof value === 'string' || value instanceof Uint8Array) writeFileSync(path, value);
    else if (value instanceof URL) copyFileSync(value, path);
    else write(path, value);
  }
}
write(outDir, filesystem);
