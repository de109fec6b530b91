// The TypeScript declarations generated for the wasm API are accurate, in the page's build
// (dist/pkg/watt_wasm.d.ts) and in each npm package (target/npm/{web,bundler,nodejs}/): real
// reports of every shape — valid, with findings and values, with an encoding guess, scanned,
// minimised with and without a key — are written out as object literals typed `Report`, and
// `tsc --strict` must accept them (a missing or extra key is an error), along with typical
// use of the classes, while misuse must be rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(WEB, '..');
const PKG = join(WEB, 'dist/pkg');
const NPM = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'npm');
/** Every build of the declarations: the page's and the npm packages'. */
const DECLARED = {
  page: join(PKG, 'watt_wasm.js'),
  web: join(NPM, 'web/watt_wasm.js'),
  bundler: join(NPM, 'bundler/watt_wasm.js'),
  nodejs: join(NPM, 'nodejs/watt_wasm.js'),
};
const OUT = join(WEB, 'test-results/types');

test('the declarations of the page and of every npm package describe every report the engine returns, and reject misuse', async () => {
  const wasm = await import(join(PKG, 'watt_wasm.js'));
  wasm.initSync({ module: readFileSync(join(PKG, 'watt_wasm_bg.wasm')) });
  const energy = readFileSync(join(ROOT, 'data/schemas/energy_consumption.schema.json'), 'utf8');
  const fixtures = readFileSync(join(ROOT, 'data/fixtures/fixtures.schema.json'), 'utf8');
  const sample = readFileSync(join(ROOT, 'data/samples/sample_energy_consumption.csv'));
  const fixture = (name) => readFileSync(join(ROOT, 'data/fixtures', name));
  const run = (engine, bytes) => {
    engine.push(bytes);
    return engine.finish();
  };
  const key = 'types test key: not a secret, 0123456789 abcdef';
  const [header, ...rows] = sample.toString().trimEnd().split('\n');
  const withContact = Buffer.from([header + ',contact', ...rows.map((r) => r + ',tel 06 12 34 56 78')].join('\n'));
  const noKeySchema = JSON.stringify({
    fields: [
      { name: 'note', type: 'string', gdpr: { category: 'free-text', action: 'redact' } },
      { name: 'cp', type: 'string', gdpr: { category: 'quasi-identifier', action: 'generalise', chars: 2 } },
    ],
  });

  const reports = {
    valid: run(new wasm.Checker(energy), sample),
    withValues: run(new wasm.Checker(fixtures, { showValues: true, maxFindings: 10 }), fixture('type_error.csv')),
    binary: run(new wasm.Checker(fixtures), fixture('binary.csv')),
    encoding: run(new wasm.Checker(fixtures), fixture('encoding_error.csv')),
    scanned: run(new wasm.Scanner(energy), withContact),
    scannedUndeclared: run(new wasm.Scanner(fixtures), fixture('valid.csv')),
    minimised: (() => {
      const m = new wasm.Minimiser(energy, null, key);
      m.push(sample);
      return m.finish().report;
    })(),
    minimisedNoKey: (() => {
      const m = new wasm.Minimiser(noKeySchema, null, null);
      m.push(Buffer.from('note,cp\nappeler le 06 12 34 56 78,75011\n'));
      return m.finish().report;
    })(),
  };
  // The shapes this test means to cover are really there.
  assert.ok(reports.withValues.findings[0].cell !== undefined);
  assert.equal(reports.binary.findings[0].rowNumber, null);
  assert.ok(reports.encoding.encoding.probable);
  assert.ok(reports.scanned.scan.personalDataFound);
  assert.equal(reports.scannedUndeclared.minimisation.kAnonymity, null);
  assert.ok(reports.minimised.minimisation.keyId);
  assert.equal(reports.minimisedNoKey.minimisation.keyId, null);

  const literals = Object.entries(reports)
    .map(([name, report]) => `export const ${name}: Report = ${JSON.stringify(report, null, 2)};`)
    .join('\n\n');
  const source = (from) => `import type { Report, Minimised, Options, WattError, WattErrorCode, ErrorCode } from '${from}';
import { Checker, Minimiser, Scanner, version } from '${from}';

${literals}

export function use(schema: string, chunk: Uint8Array): void {
  const options: Options = { dialect: { delimiter: ';', header: null }, encoding: 'windows-1252', maxFindings: 10, showValues: false };
  const checker = new Checker(schema);
  checker.push(chunk);
  const read: number = checker.bytesRead();
  const report: Report = checker.finish();
  const code: ErrorCode = report.findings[0].code;
  new Checker(schema, options).free();
  new Checker(schema, null).free();
  const minimiser = new Minimiser(schema, options, 'a key');
  const out: Uint8Array = minimiser.push(chunk);
  const done: Minimised = minimiser.finish();
  const tail: Uint8Array = done.tail;
  const scanner = new Scanner(schema, undefined);
  scanner.push(chunk);
  const scanned: Report = scanner.finish();
  const v: string = version();
  try {
    new Minimiser(schema, null);
  } catch (e) {
    const c: WattErrorCode = (e as WattError).code;
    const m: string = (e as WattError).message;
    void [c, m];
  }
  void [read, code, out, tail, scanned, v];

  // @ts-expect-error: finish() returns a Report, not a string
  const s: string = new Checker(schema).finish();
  // @ts-expect-error: not an option
  new Checker(schema, { maxFinding: 3 });
  // @ts-expect-error: not an encoding watt reads
  new Checker(schema, { encoding: 'shift_jis' });
  // @ts-expect-error: the scanner gives no output bytes
  const nothing: Uint8Array = new Scanner(schema).push(chunk);
  // @ts-expect-error: not an error code
  const wrong: WattErrorCode = 'key-missing';
  void [s, nothing, wrong];
}
`;
  mkdirSync(OUT, { recursive: true });
  const files = Object.entries(DECLARED).map(([name, module]) => {
    const file = join(OUT, `reports.${name}.ts`);
    writeFileSync(file, source('./' + relative(OUT, module).split('\\').join('/')));
    return file;
  });
  const tsc = join(WEB, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [
      tsc, '--noEmit', '--strict', '--exactOptionalPropertyTypes', '--target', 'es2022', '--module', 'es2022',
      '--moduleResolution', 'bundler', '--lib', 'esnext,dom', '--skipLibCheck', 'false', ...files,
    ], { stdio: 'pipe' });
  } catch (err) {
    assert.fail(`tsc rejected ${files.join(', ')}:\n${err.stdout}${err.stderr}`);
  }
});
