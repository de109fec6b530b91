// Throughput of the page next to native `watt check` and Papa Parse, on the same generated
// file, in the same headless Chromium. Prints a table and writes web/bench/results/
// throughput.json. Not a test: numbers go in results, never in assertions.
//
//   node bench/throughput.mjs [SIZE_MB] [RUNS]     (defaults: 200 MB, 3 runs; best kept)
//
// What is timed:
// - page check: the worker's time from the engine's creation to the report (File.stream()
//   reads included), as the page records it on the summary (data-ms); the same figure the
//   page shows as its duration;
// - page scan pass, page minimise: the same, for the other passes (the minimised output
//   gathered into a Blob included);
// - native: wall-clock time of `watt check FILE --schema S --format json` (release build),
//   process start and file reads included;
// - Papa Parse: parse only, streamed in chunks from the File, rows counted and dropped,
//   in the main thread of a bench page served from the same server.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launch } from '../tests/support/browser.mjs';
import { serve } from '../tests/support/serve.mjs';
import { generate } from '../tests/support/generate.mjs';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(WEB, '..');
const SAMPLE = join(ROOT, 'data/samples/sample_energy_consumption.csv');
const SCHEMA = join(ROOT, 'data/schemas/energy_consumption.schema.json');
const KEY = 'bench key: not a secret, 0123456789 ABCDEFGHIJ';
const SIZE_MB = Number(process.argv[2] || 200);
const RUNS = Number(process.argv[3] || 3);
const WATT = process.env.WATT_BIN || join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'release', 'watt');

const work = mkdtempSync(join(tmpdir(), 'watt-bench-'));
const file = join(work, 'bench.csv');
const { rows, bytes } = generate(SAMPLE, file, SIZE_MB * 1e6);
const mb = bytes / 1e6;
const results = {};
const best = (list) => Math.min(...list);
const record = (name, ms) => {
  (results[name] ??= []).push(ms);
};

// Native.
for (let i = 0; i < RUNS; i++) {
  const t = process.hrtime.bigint();
  const res = spawnSync(WATT, ['check', file, '--schema', SCHEMA, '--format', 'json'], { maxBuffer: 1 << 26 });
  if (res.status !== 0) throw new Error(`watt check exited ${res.status}: ${res.stderr}`);
  record('native watt check', Number(process.hrtime.bigint() - t) / 1e6);
}

// The page, and Papa Parse next to it.
const site = join(work, 'site');
execFileSync('cp', ['-r', join(WEB, 'dist'), site]);
mkdirSync(join(site, 'bench'));
copyFileSync(join(WEB, 'node_modules/papaparse/papaparse.min.js'), join(site, 'bench/papaparse.min.js'));
copyFileSync(join(WEB, 'bench/papaparse.html'), join(site, 'bench/papaparse.html'));
copyFileSync(join(WEB, 'bench/papaparse-bench.js'), join(site, 'bench/papaparse-bench.js'));
const server = await serve(site);
const browser = await launch();
const chromium = browser.version();
try {
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => /\d+\.\d+\.\d+/.test(document.getElementById('footer').textContent));
    await page.setInputFiles('#file', file);
    await page.waitForSelector('#summary [data-ms]', { timeout: 600_000 });
    const check = Number(await page.getAttribute('#summary [data-key="time"]', 'data-ms'));
    const shownRows = await page.textContent('#summary dd[data-key="rows"]');
    if (shownRows.replace(/\D/g, '') !== String(rows)) throw new Error(`page shows ${shownRows} rows, expected ${rows}`);
    record('page check (wasm, worker)', check);
    // The scan follows on its own, then minimisation: the worker's times again.
    await page.waitForSelector('#privacy[data-ms]', { timeout: 600_000 });
    record('page scan pass (wasm, worker)', Number(await page.getAttribute('#privacy', 'data-ms')));
    await page.waitForFunction(() => document.getElementById('main').getAttribute('aria-busy') === 'false');
    await page.fill('#key', KEY);
    await page.click('#minimise');
    await page.waitForSelector('#minimise-summary[data-ms]', { timeout: 600_000 });
    record('page minimise (wasm, worker)', Number(await page.getAttribute('#minimise-summary', 'data-ms')));
    await page.close();

    const papa = await browser.newPage();
    await papa.goto(server.url + 'bench/papaparse.html');
    await papa.setInputFiles('#file', file);
    await papa.waitForSelector('#result[data-ms]', { timeout: 600_000 });
    const papaRows = Number(await papa.getAttribute('#result', 'data-rows'));
    if (papaRows < rows) throw new Error(`Papa Parse read ${papaRows} rows, expected ${rows}+`);
    record('Papa Parse 5.7.1, parse only', Number(await papa.getAttribute('#result', 'data-ms')));
    await papa.close();
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

const native = best(results['native watt check']);
const lines = Object.entries(results).map(([name, list]) => {
  const ms = best(list);
  return { name, bestMs: Math.round(ms), mbPerS: +(mb / (ms / 1000)).toFixed(1), vsNative: +(native / ms).toFixed(2), runsMs: list.map(Math.round) };
});
const out = {
  file: { bytes, rows, generatedFrom: 'data/samples/sample_energy_consumption.csv' },
  runs: RUNS,
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, chromium, node: process.version },
  results: lines,
};
mkdirSync(join(WEB, 'bench/results'), { recursive: true });
writeFileSync(join(WEB, 'bench/results/throughput.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`file: ${mb.toFixed(1)} MB, ${rows} rows; best of ${RUNS}; Chromium ${chromium}, ${cpus().length} CPUs`);
for (const l of lines) console.log(`${l.name.padEnd(32)} ${String(l.bestMs).padStart(7)} ms  ${String(l.mbPerS).padStart(7)} MB/s  ${String(l.vsNative).padStart(5)}x native`);
