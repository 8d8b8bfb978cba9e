// Runs a WASI preview1 command under node's node:wasi, for comparisons with
// `waot run` on the same module and inputs.
//   node node_wasi_run.mjs [--dir HOST::GUEST]... [--env K=V]... MODULE.wasm [ARGS...]
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { argv, env as hostEnv, exit } from 'node:process';
import { basename } from 'node:path';

const preopens = {};
const env = {};
let i = 2;
for (; i < argv.length; ++i) {
  if (argv[i] === '--dir') {
    const [host, guest] = argv[++i].split('::');
    preopens[guest ?? host] = host;
  } else if (argv[i] === '--env') {
    const [key, ...value] = argv[++i].split('=');
    env[key] = value.join('=');
  } else break;
}
const module = argv[i];
const args = [basename(module), ...argv.slice(i + 1)];
const wasi = new WASI({ version: 'preview1', args, env, preopens, returnOnExit: true });
const compiled = await WebAssembly.compile(readFileSync(module));
const instance = await WebAssembly.instantiate(compiled, wasi.getImportObject());
exit(wasi.start(instance));
