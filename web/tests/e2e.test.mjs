// End-to-end: the built page (web/dist) served on 127.0.0.1, driven in Debian's Chromium.
// What the page shows and downloads is compared with the native `watt` binary on the same
// files: the same report bytes, the same minimised bytes. Every network request of the
// browser is recorded and must be one of the page's own static files.
//
// Run: bash web/ci.sh (or, with web/dist built and watt built: node --test tests/).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launch, dropFiles, downloadBytes } from './support/browser.mjs';
import { serve } from './support/serve.mjs';
import { generate } from './support/generate.mjs';
import { ROOT, wattCheckJson, wattMinimise, sha256File } from './support/cli.mjs';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(WEB, 'dist');
const ARTIFACTS = join(WEB, 'test-results');
const SAMPLE = join(ROOT, 'data/samples/sample_energy_consumption.csv');
const SAMPLE_FR = join(ROOT, 'data/samples/sample_energy_consumption_fr.csv');
const ENERGY_SCHEMA = join(ROOT, 'data/schemas/energy_consumption.schema.json');
const FIXTURES = join(ROOT, 'data/fixtures');
const FIXTURE_SCHEMA = join(FIXTURES, 'fixtures.schema.json');
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));
/** A test key: long enough, varied enough, and recognisable if it ever leaked. */
const KEY = 'e2e-test-key/not-a-secret/0123456789/ABCDEFGHIJ';
const BIG_MB = Number(process.env.WATT_E2E_BIG_MB || 200);

let server;
let browser;
let work;
/** Every URL any page or worker of the browser asked for, across all tests. */
const requested = [];
const crashes = [];

/** All files of dist, as the server paths they are served at. */
function distPaths() {
  const out = new Set(['/']);
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.add('/' + relative(DIST, path).split('\\').join('/'));
    }
  };
  walk(DIST);
  return out;
}

/** A fresh page; its requests are recorded unless `record` is false. */
async function openPage(locale = 'fr-FR', { record = true } = {}) {
  const context = await browser.newContext({ locale, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  if (record) context.on('request', (r) => requested.push(r.url()));
  const page = await context.newPage();
  page.on('crash', () => crashes.push(page.url()));
  page.on('pageerror', (e) => crashes.push(`pageerror: ${e.message}`));
  await page.goto(server.url);
  // Ready when the worker has started the engine (the footer shows its version).
  await page.waitForFunction(() => /\d+\.\d+\.\d+/.test(document.getElementById('footer').textContent));
  return { context, page };
}

/** Waits until the check and the scan that follows it are over. */
async function waitIdle(page, timeout = 30_000) {
  await page.waitForFunction(
    () => document.getElementById('main').getAttribute('aria-busy') === 'false',
    null,
    { timeout },
  );
}

async function dropFile(page, path, name = path.split('/').pop()) {
  await dropFiles(page, '#drop', [{ name, bytes: readFileSync(path) }]);
}

async function useCustomSchema(page, path) {
  await page.waitForFunction(() => /\d+\.\d+\.\d+/.test(document.getElementById('footer').textContent));
  if (!(await page.$eval('#settings', (d) => d.open))) await page.click('#settings summary');
  await page.setInputFiles('#schema-file', path);
  await page.waitForFunction(() => document.getElementById('schema-status').textContent.includes('chargé'));
}

/** The findings table as [row, field, code, message] rows, all pages. */
async function findingsTable(page) {
  const rows = [];
  for (;;) {
    rows.push(
      ...(await page.$$eval('#findings tbody tr', (trs) =>
        trs.map((tr) => [...tr.cells].map((td) => td.textContent)),
      )),
    );
    if (await page.$eval('#page-next', (b) => b.disabled)) return rows;
    await page.click('#page-next');
  }
}

before(async () => {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST} is not built: run bash web/build.sh`);
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'watt-e2e-'));
  server = await serve(DIST, { headers: false });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the pre-check page', () => {
  test('speaks French to a French browser, English on request, and works from the keyboard', async () => {
    const { context, page } = await openPage('fr-FR');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await page.textContent('h1'), 'Pré-contrôle des relevés de compteurs');
    assert.equal(await page.getAttribute('#drop', 'aria-label'), 'Zone de dépôt : déposez un fichier CSV ou appuyez sur Entrée pour en choisir un');

    // Tab reaches the drop zone; Enter opens the file picker.
    let focused = '';
    for (let i = 0; i < 8 && focused !== 'drop'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement.id);
    }
    assert.equal(focused, 'drop', 'the drop zone is reachable with Tab');
    // What Enter must do is open the file input's picker (`input.click()`). Headless Chromium
    // does not always report that picker to Playwright as a 'filechooser' event (a known
    // race), so the call itself is recorded, and the file then given to that input.
    await page.evaluate(() => {
      const click = HTMLInputElement.prototype.click;
      window.__pickerOpened = [];
      HTMLInputElement.prototype.click = function () {
        window.__pickerOpened.push(this.id);
        return click.call(this);
      };
    });
    await page.keyboard.press('Enter');
    assert.deepEqual(await page.evaluate(() => window.__pickerOpened), ['file'], 'Enter opens the file picker');
    await page.setInputFiles('#file', SAMPLE);
    await waitIdle(page);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'verdict', 'focus moves to the verdict');
    assert.equal(await page.textContent('#verdict'), '✓ Fichier valide');

    await page.click('button[data-lang="en"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('h1'), 'Smart-meter export pre-check');
    assert.equal(await page.textContent('#verdict'), '✓ Valid file');
    assert.equal(await page.getAttribute('button[data-lang="en"]', 'aria-pressed'), 'true');
    await context.close();

    const english = await openPage('en-GB');
    assert.equal(await english.page.getAttribute('html', 'lang'), 'en');
    assert.equal(await english.page.textContent('#drop-title'), 'Drop a CSV file here');
    await english.context.close();
  });

  test('a dropped sample gives a valid report, and the JSON report is watt check --format json', async () => {
    const cli = wattCheckJson(SAMPLE, ENERGY_SCHEMA);
    const expected = JSON.parse(cli.toString());
    assert.equal(expected.valid, true, 'the sample is valid for the CLI');
    const { context, page } = await openPage();
    await dropFile(page, SAMPLE);
    await waitIdle(page);
    assert.equal(await page.textContent('#verdict'), '✓ Fichier valide');
    const rows = new Intl.NumberFormat('fr-FR').format(expected.stats.rows);
    assert.equal(await page.textContent('#summary dd[data-key="rows"]'), rows);
    assert.equal(await page.textContent('#summary dd[data-key="columns"]'), String(expected.stats.columns));
    assert.equal(await page.textContent('#summary dd[data-key="encoding"]'), 'utf-8');
    assert.match(await page.textContent('#summary dd[data-key="dialect"]'), /^séparateur « , » · guillemet « " » · décimale « \. » · fin de ligne LF · en-tête oui/);
    assert.equal(await page.textContent('#counts'), 'Aucun constat.');
    assert.equal(await page.isHidden('#findings-card'), true);

    const report = await downloadBytes(page, '#download-report');
    assert.equal(report.name, 'sample_energy_consumption.report.json');
    assert.ok(report.bytes.equals(cli), 'the downloaded report is byte for byte the CLI JSON');

    // The scan that follows: no personal data outside declared fields, k-anonymity shown.
    assert.equal(await page.textContent('#privacy-none'), 'Aucune donnée personnelle trouvée dans les colonnes non déclarées ou déclarées non personnelles.');
    assert.match(await page.textContent('#kanon-result'), /^k-anonymat du fichier minimisék = \d+ : /);
    const plan = await page.$$eval('#plan tbody tr', (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[2].textContent]));
    assert.deepEqual(plan.map(([f]) => f), ['prm', 'customer_id', 'full_name', 'email', 'phone', 'address', 'postcode', 'city', 'timestamp', 'kwh', 'contract_type', 'comment']);
    assert.equal(plan[2][1], 'drop');
    await page.screenshot({ path: join(ARTIFACTS, 'report-sample.png'), fullPage: true });
    await context.close();
  });

  test('the French Excel sample is read with its dialect and reported as the CLI does', async () => {
    const cli = wattCheckJson(SAMPLE_FR, ENERGY_SCHEMA);
    const { context, page } = await openPage();
    await dropFile(page, SAMPLE_FR);
    await waitIdle(page);
    assert.match(await page.textContent('#summary dd[data-key="dialect"]'), /^séparateur « ; » · guillemet « " » · décimale « , »/);
    assert.equal(await page.textContent('#summary dd[data-key="encoding"]'), 'utf-8 · avec BOM');
    const report = await downloadBytes(page, '#download-report');
    assert.ok(report.bytes.equals(cli), 'same report bytes as the CLI');
    await context.close();
  });

  test('every broken fixture shows the findings of data/fixtures/expected.json, and the CLI report', async () => {
    // A fresh tab per file: Chromium throttles a tab that downloads many files a second.
    const context = await browser.newContext({ locale: 'fr-FR', acceptDownloads: true });
    context.on('request', (r) => requested.push(r.url()));
    for (const [name, want] of Object.entries(EXPECTED)) {
      const page = await context.newPage();
      page.on('crash', () => crashes.push(page.url()));
      await page.goto(server.url);
      await useCustomSchema(page, FIXTURE_SCHEMA);
      const path = join(FIXTURES, name);
      await dropFile(page, path);
      await waitIdle(page);
      const verdict = await page.textContent('#verdict');
      assert.equal(verdict, want.valid ? '✓ Fichier valide' : '✗ Fichier non valide', name);
      const counts = Object.fromEntries(
        await page.$$eval('#counts-table tbody tr', (trs) => trs.map((tr) => [tr.dataset.code, tr.cells[2].textContent])),
      );
      assert.deepEqual(counts, Object.fromEntries(Object.entries(want.counts).map(([c, n]) => [c, String(n)])), name);
      const table = await findingsTable(page);
      const expectedRows = want.findings.map(([code, row, field, column, , message]) => [
        row === null ? '—' : String(row),
        field ?? (column !== null ? `colonne ${column}` : '—'),
        code,
        message,
      ]);
      assert.deepEqual(table, expectedRows, name);
      const report = await downloadBytes(page, '#download-report');
      assert.equal(report.name, name.replace(/\.csv$/, '.report.json'));
      assert.equal(report.bytes.toString(), wattCheckJson(path, FIXTURE_SCHEMA).toString(), `${name}: same report as the CLI`);
      if (name === 'constraint_error.csv') {
        await page.screenshot({ path: join(ARTIFACTS, 'report-broken.png'), fullPage: true });
      }
      if (name === 'encoding_error.csv') {
        // The page offers to read the file again as windows-1252.
        await page.click('#encoding-hint button');
        await waitIdle(page);
        assert.equal(await page.$eval('#encoding', (s) => s.value), 'windows-1252');
        assert.equal(await page.textContent('#summary dd[data-key="encoding"]'), 'windows-1252');
        assert.equal(await page.textContent('#verdict'), '✓ Fichier valide');
      }
      await page.close();
    }
    await context.close();
  });

  test('thousands of findings are paged, and a column of undeclared personal data is found', async () => {
    // The sample with an undeclared 13th column of contact details and every kWh broken.
    const [header, ...rows] = readFileSync(SAMPLE, 'utf8').trimEnd().split('\n');
    const body = [];
    for (let copy = 0; copy < 10; copy++) {
      for (const [i, row] of rows.entries()) {
        const cells = row.split(',');
        cells[0] = String(80000000000000 + copy * 1000 + i);
        // kwh is the 10th column in the sample rows that have no quoted comma before it.
        const fixed = row.replace(/^\d{14}/, cells[0]).replace(/,(\d+\.\d+),(BASE|HPHC|TEMPO|EJP),/, ',douze,$2,');
        body.push(`${fixed},joindre jeanne.martin${i}@example.org ou 06 12 34 56 78`);
      }
    }
    const path = join(work, 'many_findings.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, [header + ',contact', ...body].join('\n') + '\n');
    const cli = JSON.parse(wattCheckJson(path, ENERGY_SCHEMA).toString());
    assert.ok(cli.findingsTotal > 2000, `the file has thousands of findings (${cli.findingsTotal})`);

    const { context, page } = await openPage();
    await page.click('#settings summary');
    await page.fill('#max-findings', '10000');
    await page.dispatchEvent('#max-findings', 'change');
    await dropFile(page, path);
    await waitIdle(page);
    const fr = new Intl.NumberFormat('fr-FR');
    assert.equal(await page.textContent('#verdict'), '✗ Fichier non valide');
    assert.equal(await page.isHidden('#findings-truncated'), true);
    const pages = Math.ceil(cli.findingsTotal / 50);
    assert.equal(await page.textContent('#page-info'), `Page 1 sur ${pages} · 1–50 sur ${fr.format(cli.findingsTotal)}`);
    assert.equal(await page.$$eval('#findings tbody tr', (r) => r.length), 50);
    // The pager works from the keyboard.
    await page.focus('#page-next');
    await page.keyboard.press('Enter');
    assert.equal(await page.textContent('#page-info'), `Page 2 sur ${pages} · 51–100 sur ${fr.format(cli.findingsTotal)}`);
    const first = await page.$eval('#findings tbody tr', (tr) => [...tr.cells].map((c) => c.textContent));
    const f = cli.findings[50];
    assert.deepEqual(first, [fr.format(f.rowNumber), f.fieldName ?? `colonne ${f.fieldNumber}`, f.code, f.message]);
    // No cell value anywhere in the table: the e-mail addresses of the file are not shown.
    assert.doesNotMatch(await page.textContent('#findings'), /example\.org|douze/);

    const scanRows = await page.$$eval('#scan-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    assert.deepEqual(scanRows.map((r) => [r[0], r[1]]), [['column 13', 'non déclarée']]);
    assert.match(scanRows[0][4], /courriel/);
    assert.match(scanRows[0][4], /téléphone/);

    // Invalid data: like `watt minimise`, the minimised file is only offered on request.
    await page.fill('#key', KEY);
    await page.click('#minimise');
    await page.waitForSelector('#minimise-result:not([hidden])');
    await waitIdle(page);
    assert.equal(await page.isVisible('#minimise-invalid'), true);
    assert.equal(await page.isDisabled('#download-csv'), true);
    await page.check('#allow-invalid');
    assert.equal(await page.isEnabled('#download-csv'), true);
    const csv = await downloadBytes(page, '#download-csv');
    const out = join(work, 'many_findings.minimised.csv');
    wattMinimise(path, ENERGY_SCHEMA, KEY, out, ['--allow-invalid']);
    assert.ok(csv.bytes.equals(readFileSync(out)), 'same bytes as watt minimise --allow-invalid');

    // With the default limit, the list is cut and says so.
    await page.fill('#max-findings', '1000');
    await page.dispatchEvent('#max-findings', 'change');
    await waitIdle(page);
    assert.equal(
      await page.textContent('#findings-truncated'),
      `Seuls les ${fr.format(1000)} premiers constats sur ${fr.format(cli.findingsTotal)} sont listés (tous sont comptés ci-dessus).`,
    );
    await context.close();
  });

  test('minimising with a key downloads the bytes watt minimise writes, and keeps the key to itself', async () => {
    const { context, page } = await openPage();
    await dropFile(page, SAMPLE);
    await waitIdle(page);

    // Refusals come back as coded errors.
    await page.click('#minimise');
    await page.waitForSelector('#error:not([hidden])');
    assert.equal(await page.getAttribute('#error', 'data-code'), 'key-required');
    await page.fill('#key', 'too short');
    await page.click('#minimise');
    await page.waitForSelector('#error[data-code="key-too-short"]');
    assert.match(await page.textContent('#error'), /^La clé est trop courte : 32 caractères au moins\.the pseudonymisation key is too short: 9 bytes/);

    await page.fill('#key', KEY);
    await page.press('#key', 'Enter');
    await page.waitForSelector('#minimise-result:not([hidden])');
    await waitIdle(page);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'minimise-summary');
    const csv = await downloadBytes(page, '#download-csv');
    assert.equal(csv.name, 'sample_energy_consumption.minimised.csv');
    assert.ok(csv.bytes.subarray(0, 80).toString().startsWith('prm,customer_id,postcode,timestamp,kwh,contract_type,comment\n'));
    const minReport = await downloadBytes(page, '#download-min-report');
    const m = JSON.parse(minReport.bytes.toString()).minimisation;
    assert.equal(await page.textContent('#minimise-key-id'), `Empreinte de la clé : ${m.keyId}`);
    assert.match(await page.textContent('#kanon-result'), new RegExp(`k = ${m.kAnonymity.k} `));
    await page.screenshot({ path: join(ARTIFACTS, 'report-minimised.png'), fullPage: true });

    // The key is nowhere but in its field: not stored, not in the URL, not in a download.
    const traces = await page.evaluate(() => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookie: document.cookie,
      url: location.href,
    }));
    assert.deepEqual(traces, { local: 0, session: 0, cookie: '', url: server.url });
    assert.ok(!minReport.bytes.includes(KEY) && !csv.bytes.includes(KEY));
    assert.ok(requested.every((u) => !u.includes(encodeURIComponent(KEY)) && !u.includes(KEY)));
    await context.close();

    // Same bytes as the CLI, same key; same report as its --report.
    const out = join(work, 'sample.minimised.csv');
    const reportOut = join(work, 'sample.minimisation.json');
    wattMinimise(SAMPLE, ENERGY_SCHEMA, KEY, out, ['--report', reportOut]);
    assert.ok(csv.bytes.equals(readFileSync(out)), 'the downloaded CSV is byte for byte watt minimise');
    assert.equal(minReport.bytes.toString(), readFileSync(reportOut, 'utf8'), 'the minimisation report is watt minimise --report');
  });

  test(`a ${BIG_MB} MB file is checked, its minimisation cancelled then run to the end, without the tab crashing`, { timeout: 600_000 }, async () => {
    const big = join(work, 'big.csv');
    const { rows, bytes } = generate(SAMPLE, big, BIG_MB * 1e6);
    const { context, page } = await openPage();

    // The whole file is checked (and scanned).
    await page.setInputFiles('#file', big);
    await waitIdle(page, 300_000);
    assert.equal(await page.textContent('#verdict'), '✓ Fichier valide');
    const fr = new Intl.NumberFormat('fr-FR');
    assert.equal(await page.textContent('#summary dd[data-key="rows"]'), fr.format(rows));
    assert.equal(await page.isVisible('#privacy-none'), true);

    // Minimisation, the slowest pass, is cancelled part-way (checking has become too fast
    // to be caught reliably), then run to the end.
    await page.fill('#key', KEY);
    await page.click('#minimise');
    await page.waitForFunction(() => document.getElementById('progress-bar').value > 0.02, null, { timeout: 60_000 });
    assert.match(await page.textContent('#progress-stats'), /^[\d\s,]+ Mo sur [\d\s,]+ Mo · [\d\s,]+ Mo\/s · reste /);
    await page.click('#cancel');
    await waitIdle(page);
    assert.equal(await page.textContent('#status'), 'Traitement annulé.');
    assert.equal(await page.isHidden('#minimise-result'), true);

    await page.click('#minimise');
    await page.waitForSelector('#minimise-result:not([hidden])', { timeout: 300_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const saved = join(work, 'big.page.csv');
    await download.saveAs(saved);
    assert.equal(crashes.length, 0, `no crash: ${crashes.join(', ')}`);
    assert.ok(statSync(saved).size > bytes / 2, 'the minimised file is complete');
    await context.close();

    // The CLI on the same file gives the same bytes.
    const out = join(work, 'big.cli.csv');
    wattMinimise(big, ENERGY_SCHEMA, KEY, out);
    assert.equal(sha256File(saved), sha256File(out), 'same bytes as watt minimise');
  });

  test('the Content-Security-Policy stops the page and its worker from connecting elsewhere', async () => {
    const foreign = await serve(join(FIXTURES), {});
    try {
      // Not recorded: the attempts below are meant to be stray, and must be stopped.
      const { context, page } = await openPage('fr-FR', { record: false });
      const target = `${foreign.url}valid.csv`;
      const violations = page.evaluate(
        () =>
          new Promise((resolve) => {
            const seen = [];
            document.addEventListener('securitypolicyviolation', (e) => {
              seen.push(e.effectiveDirective);
              resolve(seen);
            });
          }),
      );
      const attempt = async (u) => {
        try {
          await fetch(u);
          return 'connected';
        } catch {
          return 'blocked';
        }
      };
      assert.equal(await page.evaluate(attempt, target), 'blocked');
      assert.deepEqual(await violations, ['connect-src']);
      const [worker] = page.workers();
      assert.ok(worker, 'the engine runs in a worker');
      assert.equal(await worker.evaluate(attempt, target), 'blocked');
      assert.deepEqual(foreign.requests, [], 'the other origin received nothing');
      await context.close();
    } finally {
      await foreign.close();
    }
  });

  test('every request of every test was for one of the page’s own files', () => {
    const allowed = distPaths();
    const origin = new URL(server.url).origin;
    assert.ok(requested.length > 0);
    const strays = requested.filter((u) => {
      if (u.startsWith('blob:' + origin + '/')) return false;
      const url = new URL(u);
      return url.origin !== origin || !allowed.has(url.pathname) || url.search !== '';
    });
    assert.deepEqual(strays, []);
    const served = new Set(server.requests);
    for (const path of served) assert.ok(allowed.has(path), `served ${path}`);
    assert.equal(crashes.length, 0, `no crash or page error: ${crashes.join(', ')}`);
  });
});
