// <watt-precheck> in the demo host page (web/embed-demo/), served on 127.0.0.1 with the
// Content-Security-Policy web/README.md states for a host page, driven in Debian's Chromium:
// a valid file → the host's ordinary <form> uploads the bytes `watt minimise` writes (same
// key); an invalid file → the findings are shown and nothing is uploaded. Every request the
// browser makes is recorded: all go to the host's own origin, and no request body holds the
// raw file's bytes or a personal value of it.
//
// Run: bash web/ci.sh (or, with web/dist built and watt built: node --test tests/).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { dropFiles, launch } from './support/browser.mjs';
import { EMBED_CSP, serveEmbedDemo } from './support/embed-server.mjs';
import { ROOT, wattCheckJson, wattMinimise } from './support/cli.mjs';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(WEB, 'dist');
const SAMPLE = join(ROOT, 'data/samples/sample_energy_consumption.csv');
const ENERGY_SCHEMA = join(ROOT, 'data/schemas/energy_consumption.schema.json');
const FIXTURES = join(ROOT, 'data/fixtures');
/** A test key: long enough, varied enough, and recognisable if it ever leaked. */
const KEY = 'embed test key: not a secret, 0123456789 ABCDEFGHIJ';

let server;
let browser;
let work;
let invalidFile;
/** Every request of every page: {url, method, body}. */
const requested = [];
const problems = [];

/** A fresh page of the demo, its requests recorded and its CSP violations collected. */
async function openDemo(locale = 'fr-FR') {
  const context = await browser.newContext({ locale });
  context.on('request', (r) => requested.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() }));
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('crash', () => problems.push('crash'));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    window.__events = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__events.push({ type: 'csp', directive: e.effectiveDirective, blocked: e.blockedURI }));
    for (const type of ['watt-report', 'watt-file', 'watt-error']) {
      document.addEventListener(type, (e) => {
        const { report, file, code, minimised } = e.detail;
        window.__events.push({ type, report, code, minimised, file: file && { name: file.name, size: file.size, type: file.type } });
        if (file) window.__lastFile = file;
      });
    }
  });
  const response = await page.goto(server.url);
  assert.equal(response.headers()['content-security-policy'], EMBED_CSP);
  await page.waitForFunction(() => customElements.get('watt-precheck') !== undefined);
  return { context, page };
}

/** Closes a demo page after checking that the CSP blocked nothing: the policy is enough. */
async function closeDemo(page, context) {
  assert.deepEqual(await events(page, 'csp'), [], 'no Content-Security-Policy violation');
  await context.close();
}

const events = (page, type) => page.evaluate((t) => window.__events.filter((e) => e.type === t), type);

/** Picks `path` in the element (its own file input, inside its shadow root). */
async function pick(page, path) {
  await page.setInputFiles('watt-precheck #file', path);
}

async function waitVerdict(page) {
  await page.waitForFunction(() => {
    const root = document.querySelector('watt-precheck').shadowRoot;
    return !root.getElementById('result').hidden && root.getElementById('verdict').textContent !== '';
  });
  return page.textContent('watt-precheck #verdict');
}

before(async () => {
  if (!existsSync(join(DIST, 'watt-precheck.js'))) throw new Error(`${DIST} is not built: run bash web/build.sh`);
  work = mkdtempSync(join(tmpdir(), 'watt-embed-'));
  // The sample with two kWh values broken: invalid, with findings the CLI reports too.
  const [header, ...rows] = readFileSync(SAMPLE, 'utf8').split('\n');
  const broken = rows.map((r, i) => (i === 3 || i === 7 ? r.replace(/,(\d+\.\d+),(BASE|HPHC|TEMPO|EJP),/, ',douze,$2,') : r));
  invalidFile = join(work, 'releve_casse.csv');
  writeFileSync(invalidFile, [header, ...broken].join('\n'));
  server = await serveEmbedDemo({ dist: DIST });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('<watt-precheck> in a host page', () => {
  test('the policy the demo is served with is the one the READMEs give to host pages, word for word', () => {
    for (const readme of ['README.md', 'web/README.md']) {
      assert.ok(readFileSync(join(ROOT, readme), 'utf8').includes(`\n${EMBED_CSP}\n`), readme);
    }
  });

  test('is reached with the keyboard, speaks French, and Enter opens the file picker', async () => {
    const { context, page } = await openDemo();
    assert.equal(await page.textContent('watt-precheck #pick'), 'Choisir un fichier CSV');
    let inside = false;
    for (let i = 0; i < 6 && !inside; i++) {
      await page.keyboard.press('Tab');
      inside = await page.evaluate(() => document.activeElement?.tagName === 'WATT-PRECHECK' && document.activeElement.shadowRoot.activeElement?.id === 'pick');
    }
    assert.ok(inside, 'Tab reaches the element’s button');
    await page.evaluate(() => {
      const click = HTMLInputElement.prototype.click;
      window.__pickerOpened = [];
      HTMLInputElement.prototype.click = function () {
        window.__pickerOpened.push(this.type);
        return click.call(this);
      };
    });
    await page.keyboard.press('Enter');
    assert.deepEqual(await page.evaluate(() => window.__pickerOpened), ['file']);
    // The form cannot be sent without a checked file.
    assert.equal(await page.$eval('watt-precheck', (e) => e.validationMessage), 'Choisissez un fichier à vérifier.');
    await closeDemo(page, context);
  });

  test('a valid file: minimised with the key, the form uploads exactly the bytes of watt minimise', async () => {
    const { context, page } = await openDemo();
    await pick(page, SAMPLE);
    assert.equal(await waitVerdict(page), '✓ Fichier valide');
    const [checked] = await events(page, 'watt-report');
    assert.equal(JSON.stringify(checked.report, null, 2) + '\n', wattCheckJson(SAMPLE, ENERGY_SCHEMA).toString(), 'the event’s report is watt check --format json');

    // Valid but not minimised: the form refuses to go.
    await page.click('button[type="submit"]');
    assert.equal(await page.$eval('watt-precheck', (e) => e.matches(':invalid')), true);
    assert.equal(await page.$eval('watt-precheck', (e) => e.validationMessage), 'Minimisez le fichier avant de l’envoyer.');
    assert.equal(server.uploads.length, 0);

    // A refused key is said, with the engine's reason, and the key itself is not echoed.
    await page.fill('watt-precheck #key', 'too short');
    await page.click('watt-precheck #minimise');
    await page.waitForSelector('watt-precheck #error[data-code="key-too-short"]:not([hidden])');
    assert.equal(
      await page.textContent('watt-precheck #error'),
      'La clé est trop courte : 32 caractères au moins. the pseudonymisation key is too short: 9 bytes, at least 32 are needed',
    );
    assert.deepEqual((await events(page, 'watt-error')).map((e) => e.code), ['key-too-short']);

    await page.fill('watt-precheck #key', KEY);
    await page.press('watt-precheck #key', 'Enter');
    await page.waitForSelector('watt-precheck #ready:not([hidden])');
    assert.match(await page.textContent('watt-precheck #ready'), /^✓ Fichier minimisé prêt : sample_energy_consumption\.minimised\.csv \(/);
    assert.equal(await page.inputValue('watt-precheck #key'), '', 'the key field is emptied');
    const [ready] = await events(page, 'watt-file');
    assert.equal(ready.minimised, true);
    assert.equal(ready.file.name, 'sample_energy_consumption.minimised.csv');
    await page.screenshot({ path: join(WEB, 'test-results', 'embed-valid.png'), fullPage: true }).catch(() => {});

    await Promise.all([page.waitForURL(`${server.url}upload`), page.click('button[type="submit"]')]);
    assert.equal(await page.textContent('#received'), 'Reçu');
    assert.equal(server.uploads.length, 1);
    const [fields] = server.uploads;
    assert.deepEqual(fields.map(([name]) => name), ['supplier', 'export'], 'the host’s field and the element’s file, nothing else');
    const upload = fields[1][1];
    assert.equal(upload.name, 'sample_energy_consumption.minimised.csv');
    assert.equal(upload.type, 'text/csv');
    const out = join(work, 'cli.minimised.csv');
    const reportOut = join(work, 'cli.minimisation.json');
    wattMinimise(SAMPLE, ENERGY_SCHEMA, KEY, out, ['--report', reportOut]);
    assert.ok(upload.bytes.equals(readFileSync(out)), 'the uploaded file is byte for byte watt minimise');
    assert.equal(upload.bytes.length, ready.file.size);
    assert.equal(JSON.stringify(ready.report, null, 2) + '\n', readFileSync(reportOut, 'utf8'), 'the event’s report is watt minimise --report');
    await closeDemo(page, context);
  });

  test('an invalid file: the findings are shown, the form refuses it and nothing is uploaded', async () => {
    const before = server.uploads.length;
    const cli = JSON.parse(wattCheckJson(invalidFile, ENERGY_SCHEMA).toString());
    assert.equal(cli.valid, false);
    const { context, page } = await openDemo();
    await pick(page, invalidFile);
    assert.equal(await waitVerdict(page), '✗ Fichier non valide');
    assert.equal(await page.evaluate(() => document.querySelector('watt-precheck').shadowRoot.activeElement?.id), 'verdict', 'focus moves to the verdict');
    assert.equal(await page.textContent('watt-precheck #summary'), `${cli.stats.rows} lignes · ${cli.findingsTotal} constats`);
    const table = await page.$$eval('watt-precheck #findings tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    assert.deepEqual(
      table,
      cli.findings.map((f) => [String(f.rowNumber), f.fieldName, f.code, f.message]),
    );
    assert.ok(table.length >= 2);
    assert.equal(await page.isHidden('watt-precheck #key-form'), true, 'no minimisation offered');
    const [reported] = await events(page, 'watt-report');
    assert.equal(reported.report.valid, false);
    assert.deepEqual(await events(page, 'watt-file'), []);

    await page.click('button[type="submit"]');
    await page.waitForTimeout(300);
    assert.equal(page.url(), server.url, 'the form was not sent');
    assert.equal(await page.$eval('watt-precheck', (e) => e.validationMessage), 'Le fichier n’est pas valide : corrigez les constats avant de l’envoyer.');
    assert.equal(await page.evaluate(() => new FormData(document.getElementById('upload')).has('export')), false);
    assert.equal(server.uploads.length, before, 'nothing uploaded');
    await page.screenshot({ path: join(WEB, 'test-results', 'embed-invalid.png'), fullPage: true }).catch(() => {});
    await closeDemo(page, context);
  });

  test('English by attribute, an inline schema, and the host’s theme through custom properties', async () => {
    const { context, page } = await openDemo();
    const fixtureSchema = readFileSync(join(FIXTURES, 'fixtures.schema.json'), 'utf8');
    await page.$eval(
      'watt-precheck',
      (e, schema) => {
        e.setAttribute('lang', 'en');
        e.removeAttribute('schema-url');
        e.setAttribute('schema', schema);
      },
      fixtureSchema,
    );
    assert.equal(await page.textContent('watt-precheck #pick'), 'Choose a CSV file');
    // Dropped this time, through a real DataTransfer.
    await dropFiles(page, 'watt-precheck .box', [{ name: 'type_error.csv', bytes: readFileSync(join(FIXTURES, 'type_error.csv')) }]);
    assert.equal(await waitVerdict(page), '✗ Invalid file');
    const cli = JSON.parse(wattCheckJson(join(FIXTURES, 'type_error.csv'), join(FIXTURES, 'fixtures.schema.json')).toString());
    assert.equal(await page.textContent('watt-precheck #summary'), `${cli.stats.rows} rows · ${cli.findingsTotal} findings`);
    // demo.css sets --watt-accent: #0b6e4f on the element.
    assert.equal(await page.$eval('watt-precheck', (e) => getComputedStyle(e.shadowRoot.getElementById('pick')).backgroundColor), 'rgb(11, 110, 79)');
    await closeDemo(page, context);
  });

  test('minimise="optional": a valid file is handed over as it is, until it is minimised', async () => {
    const { context, page } = await openDemo();
    await page.$eval('watt-precheck', (e) => e.setAttribute('minimise', 'optional'));
    await pick(page, SAMPLE);
    assert.equal(await waitVerdict(page), '✓ Fichier valide');
    const [handed] = await events(page, 'watt-file');
    assert.deepEqual([handed.minimised, handed.file.name], [false, 'sample_energy_consumption.csv']);
    const formFile = () =>
      page.evaluate(async () => {
        const file = new FormData(document.getElementById('upload')).get('export');
        return { name: file.name, size: file.size };
      });
    assert.deepEqual(await formFile(), { name: 'sample_energy_consumption.csv', size: readFileSync(SAMPLE).length });
    assert.equal(await page.$eval('watt-precheck', (e) => e.checkValidity()), true);
    await page.fill('watt-precheck #key', KEY);
    await page.click('watt-precheck #minimise');
    await page.waitForSelector('watt-precheck #ready:not([hidden])');
    const out = join(work, 'optional.minimised.csv');
    wattMinimise(SAMPLE, ENERGY_SCHEMA, KEY, out);
    assert.deepEqual(await formFile(), { name: 'sample_energy_consumption.minimised.csv', size: readFileSync(out).length });
    // A disabled fieldset disables the element's controls too.
    await page.evaluate(() => {
      const fieldset = document.createElement('fieldset');
      const element = document.querySelector('watt-precheck');
      element.before(fieldset);
      fieldset.append(element);
      fieldset.disabled = true;
    });
    assert.equal(await page.isDisabled('watt-precheck #pick'), true);
    await closeDemo(page, context);
  });

  test('every request went to the host’s own origin, and no body carried the raw file or a personal value', () => {
    const origin = new URL(server.url).origin;
    assert.ok(requested.length > 0);
    const strays = requested.filter(({ url }) => !url.startsWith(`blob:${origin}/`) && new URL(url).origin !== origin);
    assert.deepEqual(strays, []);
    // The personal values of the raw files: names, e-mail addresses, phone numbers, addresses.
    const raw = [readFileSync(SAMPLE), readFileSync(invalidFile)];
    const personal = readFileSync(SAMPLE, 'utf8')
      .split('\n')
      .slice(1, 40)
      .flatMap((line) => line.split(',').slice(2, 6))
      .filter((v) => v.length > 5);
    assert.ok(personal.some((v) => v.includes('@')), 'the sample has e-mail addresses to look for');
    const bodies = [...requested.map((r) => r.body), ...server.requests.map((r) => r.body)].filter((b) => b && b.length);
    assert.ok(bodies.length >= 1, 'the upload is among the bodies');
    for (const body of bodies) {
      for (const file of raw) assert.ok(!body.includes(file), 'the raw file is in no body');
      for (const value of personal) assert.ok(!body.includes(value), 'no personal value in any body');
      assert.ok(!body.includes(KEY), 'the key is in no body');
    }
    assert.ok(requested.every(({ url }) => !url.includes(KEY) && !url.includes(encodeURIComponent(KEY))));
    assert.deepEqual(
      server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`),
      ['POST /upload'],
      'one upload, by the form',
    );
    assert.deepEqual(problems, [], 'no page error, console error or crash');
  });
});
