// The npm packages built by wasm-pack (bash wasm/build-npm.sh → target/npm/): each tarball
// holds what a user needs and nothing else; installed from its tarball, the Node package
// checks and minimises files read as streams with the same report and bytes as the `watt`
// CLI; the bundler package loads; and the web package is the page's build, byte for byte.
//
// Run: bash web/ci.sh (or, with the page, the packages and watt built: node --test tests/).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ROOT, wattCheckJson, wattMinimise } from './support/cli.mjs';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const NPM = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'npm');
const SCOPE = '@watt-about-it';
const TARGETS = ['web', 'bundler', 'nodejs'];
const VERSION = /^version = "(.+)"$/m.exec(readFileSync(join(ROOT, 'Cargo.toml'), 'utf8'))[1];
const SAMPLE = join(ROOT, 'data/samples/sample_energy_consumption.csv');
const SAMPLE_FR = join(ROOT, 'data/samples/sample_energy_consumption_fr.csv');
const ENERGY_SCHEMA = join(ROOT, 'data/schemas/energy_consumption.schema.json');
const FIXTURES = join(ROOT, 'data/fixtures');
const FIXTURE_SCHEMA = join(FIXTURES, 'fixtures.schema.json');
const KEY = 'npm test key: not a secret, 0123456789 ABCDEFGHIJ';
/** The page's budget for the gzipped wasm (web/ci.sh). */
const BUDGET_BYTES = 440_000;

/** The ```js block of a Markdown file whose first line is `// NAME`. */
function example(markdown, name) {
  const blocks = [...readFileSync(markdown, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  const block = blocks.find((b) => b.startsWith(`// ${name}`));
  if (!block) throw new Error(`${markdown} has no example ${name}`);
  return block;
}

const tarball = (target) => join(NPM, `watt-about-it-watt-wasm-${target}-${VERSION}.tgz`);

let work;

before(() => {
  for (const target of TARGETS) {
    if (!existsSync(tarball(target))) throw new Error(`${tarball(target)} is missing: run bash wasm/build-npm.sh`);
  }
  work = mkdtempSync(join(tmpdir(), 'watt-npm-'));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Installs the tarballs into a fresh project, as a user would (no registry needed). */
function installTarballs() {
  const project = join(work, 'project');
  execFileSync('mkdir', ['-p', project]);
  execFileSync('npm', ['init', '-y'], { cwd: project, stdio: 'pipe' });
  execFileSync(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', '--no-update-notifier', ...TARGETS.map(tarball)],
    { cwd: project, stdio: 'pipe' },
  );
  return project;
}

/** Cuts a file into chunks of `size` bytes: the engine must not care where. */
const stream = (path, size = 4096) => createReadStream(path, { highWaterMark: size });

describe('the npm packages', () => {
  let project;
  before(() => {
    project = installTarballs();
  });

  test('each tarball holds the wasm, its JS and types, the README and the licences, and says what it is', () => {
    const common = ['LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'package.json', 'watt_wasm.d.ts', 'watt_wasm.js', 'watt_wasm_bg.wasm'];
    const expected = { web: common, nodejs: common, bundler: [...common, 'watt_wasm_bg.js'].sort() };
    for (const target of TARGETS) {
      const files = execFileSync('tar', ['-tzf', tarball(target)]).toString().trim().split('\n').sort();
      assert.deepEqual(files, expected[target].map((f) => `package/${f}`), target);
      const pkg = JSON.parse(readFileSync(join(project, 'node_modules', SCOPE, `watt-wasm-${target}`, 'package.json'), 'utf8'));
      assert.equal(pkg.name, `${SCOPE}/watt-wasm-${target}`);
      assert.equal(pkg.version, VERSION, 'the workspace version');
      assert.equal(pkg.license, 'MIT OR Apache-2.0');
      assert.equal(pkg.repository.url, 'https://github.com/watt-about-it/watt');
      assert.match(pkg.description, /GDPR-minimise/);
      assert.equal(pkg.types, 'watt_wasm.d.ts');
      assert.equal(pkg.main, 'watt_wasm.js');
      assert.equal(pkg.type, target === 'nodejs' ? undefined : 'module');
      assert.deepEqual(pkg.dependencies, undefined, 'no runtime dependency');
      assert.deepEqual(pkg.scripts, undefined, 'no install script');
    }
  });

  test('Node: a file read as a stream gets the report of watt check --format json, byte for byte', async () => {
    const { Checker } = createRequire(join(project, 'index.js'))(`${SCOPE}/watt-wasm-nodejs`);
    const cases = [
      [SAMPLE, ENERGY_SCHEMA, 1],
      [SAMPLE_FR, ENERGY_SCHEMA, 4096],
      [join(FIXTURES, 'type_error.csv'), FIXTURE_SCHEMA, 7],
      [join(FIXTURES, 'encoding_error.csv'), FIXTURE_SCHEMA, 64],
      [join(FIXTURES, 'utf16.csv'), FIXTURE_SCHEMA, 3],
    ];
    for (const [file, schema, size] of cases) {
      const checker = new Checker(readFileSync(schema, 'utf8'));
      for await (const chunk of stream(file, size)) checker.push(chunk);
      const report = checker.finish();
      const cli = wattCheckJson(file, schema);
      assert.equal(JSON.stringify(report, null, 2) + '\n', cli.toString(), file);
    }
  });

  test('Node: a minimising stream pipeline writes the bytes and the report of watt minimise', async () => {
    const { Minimiser } = createRequire(join(project, 'index.js'))(`${SCOPE}/watt-wasm-nodejs`);
    const minimiser = new Minimiser(readFileSync(ENERGY_SCHEMA, 'utf8'), null, KEY);
    let done;
    const out = join(work, 'node.minimised.csv');
    await pipeline(
      stream(SAMPLE, 1000),
      new Transform({
        transform(chunk, _encoding, callback) {
          callback(null, minimiser.push(chunk));
        },
        flush(callback) {
          done = minimiser.finish();
          callback(null, done.tail);
        },
      }),
      createWriteStream(out),
    );
    const cliOut = join(work, 'cli.minimised.csv');
    const cliReport = join(work, 'cli.minimisation.json');
    wattMinimise(SAMPLE, ENERGY_SCHEMA, KEY, cliOut, ['--report', cliReport]);
    const bytes = readFileSync(out);
    assert.ok(bytes.length > 1000);
    assert.ok(bytes.equals(readFileSync(cliOut)), 'same bytes as watt minimise');
    assert.equal(JSON.stringify(done.report, null, 2) + '\n', readFileSync(cliReport, 'utf8'), 'same report as --report');
    assert.ok(!bytes.includes(KEY) && !readFileSync(cliReport).includes(KEY));
  });

  test('Node: the package imports as an ES module too, and errors carry their code', async () => {
    const entry = join(project, 'node_modules', SCOPE, 'watt-wasm-nodejs', 'watt_wasm.js');
    const { Minimiser, version } = await import(pathToFileURL(entry).href);
    assert.match(version(), /^\d+\.\d+\.\d+/);
    assert.throws(() => new Minimiser(readFileSync(ENERGY_SCHEMA, 'utf8'), null, null), (e) => e instanceof Error && e.code === 'key-required');
  });

  test('the examples of the READMEs run as they are written, with the CLI’s report and bytes', () => {
    copyFileSync(ENERGY_SCHEMA, join(project, 'energy_consumption.schema.json'));
    copyFileSync(SAMPLE, join(project, 'export.csv'));
    const cliReport = wattCheckJson(SAMPLE, ENERGY_SCHEMA).toString();

    writeFileSync(join(project, 'check.mjs'), example(join(ROOT, 'README.md'), 'check.mjs'));
    const checked = execFileSync(process.execPath, ['check.mjs', 'export.csv'], { cwd: project });
    assert.equal(checked.toString(), cliReport, 'README.md: check.mjs prints watt check --format json');

    writeFileSync(join(project, 'precheck.mjs'), example(join(ROOT, 'wasm/README.md'), 'precheck.mjs'));
    const printed = execFileSync(process.execPath, ['precheck.mjs'], { cwd: project, env: { ...process.env, WATT_PSEUDONYM_KEY: KEY } });
    assert.equal(printed.toString(), cliReport, 'wasm/README.md: the report of watt check');
    const cliOut = join(work, 'readme.minimised.csv');
    wattMinimise(SAMPLE, ENERGY_SCHEMA, KEY, cliOut);
    assert.ok(readFileSync(join(project, 'export.min.csv')).equals(readFileSync(cliOut)), 'wasm/README.md: the bytes of watt minimise');
  });

  test('the bundler package loads where ES modules import wasm', () => {
    // Node's wasm ES-module integration stands in for a bundler's (webpack, Vite plugin).
    const entry = join(project, 'node_modules', SCOPE, 'watt-wasm-bundler', 'watt_wasm.js');
    const script = `
      const { Checker } = await import(${JSON.stringify(pathToFileURL(entry).href)});
      const fs = await import('node:fs');
      const c = new Checker(fs.readFileSync(${JSON.stringify(ENERGY_SCHEMA)}, 'utf8'));
      c.push(fs.readFileSync(${JSON.stringify(SAMPLE)}));
      process.stdout.write(JSON.stringify(c.finish(), null, 2) + '\\n');`;
    const out = execFileSync(process.execPath, ['--experimental-wasm-modules', '--no-warnings', '--input-type=module', '-e', script]);
    assert.equal(out.toString(), wattCheckJson(SAMPLE, ENERGY_SCHEMA).toString());
  });

  test('the web package is the page’s build: the same wasm and JS, byte for byte, within the page’s size budget', () => {
    const page = join(WEB, 'dist/pkg');
    const pkg = join(project, 'node_modules', SCOPE, 'watt-wasm-web');
    for (const file of ['watt_wasm_bg.wasm', 'watt_wasm.js', 'watt_wasm.d.ts']) {
      assert.ok(readFileSync(join(pkg, file)).equals(readFileSync(join(page, file))), `${file} is the page's`);
    }
    // Measured as web/ci.sh measures the page's (gzip -9: zlib's level 9 packs 8 KB worse).
    const gzipped = execFileSync('gzip', ['-9', '-n', '-c', join(pkg, 'watt_wasm_bg.wasm')], { maxBuffer: 1 << 24 }).length;
    assert.ok(gzipped <= BUDGET_BYTES, `${gzipped} bytes gzipped`);
    // The three targets differ only in how the wasm is loaded: the same API is declared.
    const declared = (target) =>
      readFileSync(join(project, 'node_modules', SCOPE, `watt-wasm-${target}`, 'watt_wasm.d.ts'), 'utf8')
        .split('\nexport type InitInput')[0];
    assert.equal(declared('nodejs'), declared('web'));
    assert.equal(declared('bundler'), declared('web'));
  });
});
