// Drops the `name` and `producers` custom sections of a .wasm, in place:
//
//   node wasm/strip-sections.mjs FILE.wasm...
//
// The page's build asks wasm-bindgen for this (--remove-name-section
// --remove-producers-section); wasm-pack has no such option, and the name section alone
// weighs 45 KB gzipped, over the size budget of web/ci.sh. Stripping the rustc output instead
// (`-C strip`) would also drop its `target_features` section, without which wasm-bindgen
// generates other, slower glue. With this, the packages' wasm is the page's, byte for byte
// (web/tests/npm.test.mjs checks it).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DROPPED = new Set(['name', 'producers']);

/** Reads an unsigned LEB128 at `pos`: [value, next position]. */
function leb(bytes, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= bytes.length) throw new Error('truncated LEB128');
    const b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [value, pos];
    shift += 7;
  }
}

/** The module's sections: [{id, name (custom sections only), start, end}], in order. */
export function sections(bytes) {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm module');
  const out = [];
  let pos = 8;
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos++];
    let size;
    [size, pos] = leb(bytes, pos);
    const end = pos + size;
    if (end > bytes.length) throw new Error('truncated section');
    let name = null;
    if (id === 0) {
      const [len, at] = leb(bytes, pos);
      name = bytes.subarray(at, at + len).toString('utf8');
    }
    out.push({ id, name, start, end });
    pos = end;
  }
  return out;
}

/** `bytes` without the name and producers sections. */
export function strip(bytes) {
  const kept = sections(bytes).filter((s) => !(s.id === 0 && DROPPED.has(s.name)));
  return Buffer.concat([bytes.subarray(0, 8), ...kept.map((s) => bytes.subarray(s.start, s.end))]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) writeFileSync(file, strip(readFileSync(file)));
}
