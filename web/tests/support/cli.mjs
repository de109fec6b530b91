// The native `watt` binary, which the page must agree with byte for byte. Found at $WATT_BIN,
// else at $CARGO_TARGET_DIR/debug/watt, else at <repo>/target/debug/watt (`cargo build -p
// watt`, which ci.sh runs; a debug build gives the same bytes, and the workspace tests have
// usually built it already). A missing binary or command is an error, never a skipped test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export function wattBinary() {
  const bin =
    process.env.WATT_BIN || join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'debug', 'watt');
  if (!existsSync(bin)) {
    throw new Error(`the watt binary is missing at ${bin}: run \`cargo build -p watt\` (or set WATT_BIN)`);
  }
  return bin;
}

/** Runs `watt ARGS`; exit codes 0 (valid) and 1 (invalid) are both results. */
function run(args, env = {}) {
  const res = spawnSync(wattBinary(), args, {
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
  });
  if (res.status !== 0 && res.status !== 1) {
    throw new Error(`watt ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  }
  return res.stdout;
}

/** `watt check FILE --schema SCHEMA --format json`, as bytes. */
export function wattCheckJson(file, schema) {
  return run(['check', file, '--schema', schema, '--format', 'json']);
}

/**
 * `watt minimise FILE --schema SCHEMA -o OUT [ARGS]` with the key in WATT_PSEUDONYM_KEY (e.g.
 * ARGS = ['--report', path] for the JSON report, ['--allow-invalid']).
 */
export function wattMinimise(file, schema, key, out, args = []) {
  const help = spawnSync(wattBinary(), ['minimise', '--help']);
  if (help.status !== 0) {
    throw new Error(`\`watt minimise\` is not available in ${wattBinary()} (watt minimise --help exited ${help.status}: ${String(help.stderr).trim()})`);
  }
  return run(['minimise', file, '--schema', schema, '-o', out, ...args], { WATT_PSEUDONYM_KEY: key });
}

export function sha256File(path) {
  return execFileSync('sha256sum', [path]).toString().split(' ')[0];
}
