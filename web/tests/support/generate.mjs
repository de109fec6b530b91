// Large test files from the sample: the sample's rows repeated with fresh meter and
// customer ids (so the primary key (prm, timestamp) stays unique and the file stays
// valid), streamed to disk. Used by the 200 MB e2e test and the throughput bench; the
// files are generated on demand and never committed.
//
//   node tests/support/generate.mjs SAMPLE.csv OUT.csv SIZE_MB
import { openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Splits CSV text into records (quotes respected), each without its line terminator. */
function records(text) {
  const out = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) {
      out.push(text.slice(start, i).replace(/\r$/, ''));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/**
 * Writes at least `targetBytes` bytes: the sample's header, then copies of its data rows.
 * In copy `c`, the meter id of the sample's meter number `m` becomes
 * `90000000000000 + c·M + m` (M meters in the sample) and the customer id is renumbered
 * the same way. Returns the data rows and bytes written.
 */
export function generate(samplePath, outPath, targetBytes) {
  const [header, ...rows] = records(readFileSync(samplePath, 'utf8')).filter((r) => r !== '');
  const cells = rows.map((r) => {
    const first = r.indexOf(',');
    const second = r.indexOf(',', first + 1);
    return { prm: r.slice(0, first), customer: r.slice(first + 1, second), rest: r.slice(second) };
  });
  const meters = new Map();
  const customers = new Map();
  for (const c of cells) {
    if (!meters.has(c.prm)) meters.set(c.prm, meters.size);
    if (!customers.has(c.customer)) customers.set(c.customer, customers.size);
  }
  const fd = openSync(outPath, 'w');
  let bytes = 0;
  let written = 0;
  const flush = (text) => {
    const buf = Buffer.from(text, 'utf8');
    writeSync(fd, buf);
    bytes += buf.length;
  };
  flush(header + '\n');
  for (let copy = 0; bytes < targetBytes; copy++) {
    let block = '';
    for (const c of cells) {
      const prm = String(90000000000000 + copy * meters.size + meters.get(c.prm));
      const customer = 'C' + String((copy * customers.size + customers.get(c.customer)) % 1e7).padStart(7, '0');
      block += prm + ',' + customer + c.rest + '\n';
    }
    written += cells.length;
    flush(block);
  }
  closeSync(fd);
  return { rows: written, bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [sample, out, mb] = process.argv.slice(2);
  if (!sample || !out || !mb) {
    console.error('usage: node generate.mjs SAMPLE.csv OUT.csv SIZE_MB');
    process.exit(2);
  }
  const { rows, bytes } = generate(sample, out, Number(mb) * 1e6);
  console.log(JSON.stringify({ rows, bytes }));
}
