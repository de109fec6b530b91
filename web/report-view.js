// Renders a watt report (the object the wasm engine returns, the same document as
// `watt check --format json`) into the page. Presentation only: every number shown is read
// from the report. Text goes in with textContent, never as HTML, so nothing in a file or a
// schema can inject markup.

import { t, formatBytes, formatNumber, formatDuration, has, language } from './i18n.js';

/** Findings per page of the findings table. */
export const PAGE_SIZE = 50;

/** `h('td', {class: 'x'}, 'text', child)`: an element with attributes and children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const $ = (id) => document.getElementById(id);

/** How a delimiter or quote character reads in a sentence. */
function showChar(c) {
  if (c === '\t') return 'TAB';
  return language() === 'fr' ? `« ${c} »` : `“${c}”`;
}

function showEol(eol) {
  return { '\n': 'LF', '\r\n': 'CRLF', '\r': 'CR' }[eol] ?? JSON.stringify(eol);
}

/** The verdict, the summary and the validation sections. */
export function renderCheck(state) {
  const { report, file, schemaName, ms } = state;
  const box = $('verdict-box');
  box.classList.toggle('ok', report.valid);
  box.classList.toggle('bad', !report.valid);
  $('verdict').textContent = report.valid ? `✓ ${t('verdict.valid')}` : `✗ ${t('verdict.invalid')}`;
  $('verdict-detail').textContent = report.valid
    ? t('verdict.validDetail', { rows: formatNumber(report.stats.rows), schema: schemaName })
    : t('verdict.invalidDetail', {
        total: formatNumber(report.findingsTotal),
        rows: formatNumber(report.stats.rows),
        schema: schemaName,
      });

  const d = report.dialect;
  const dialect = t('dialect.text', {
    delimiter: showChar(d.delimiter),
    quote: showChar(d.quoteChar),
    decimal: showChar(d.decimalChar),
    eol: showEol(d.lineTerminator),
    header: d.header ? t('yes') : t('no'),
  });
  const named = d.detected.map((k) => (has('detected.' + k) ? t('detected.' + k) : k));
  const detected = named.length ? t('dialect.detected', { list: named.join(', ') }) : t('dialect.given');
  const enc = report.encoding;
  const rows = [
    ['summary.file', file.name],
    ['summary.size', formatBytes(report.stats.bytes)],
    ['summary.rows', formatNumber(report.stats.rows)],
    ['summary.columns', formatNumber(report.stats.columns)],
    ['summary.dialect', `${dialect} (${detected})`],
    ['summary.encoding', enc.name + (enc.detected ? ' · auto' : '') + (enc.bom ? ` · ${t('encoding.bom')}` : '')],
    ['summary.time', formatDuration(ms / 1000)],
  ];
  $('summary').replaceChildren(
    ...rows.flatMap(([key, value]) => [h('dt', {}, t(key)), h('dd', { 'data-key': key.split('.')[1] }, value)]),
  );
  // The exact time, for whoever measures the page (web/bench/throughput.mjs).
  $('summary').querySelector('[data-key="time"]').dataset.ms = String(ms);

  const hint = $('encoding-hint');
  if (enc.probable) {
    hint.hidden = false;
    hint.className = 'notice';
    hint.replaceChildren(
      h('p', {}, t('encoding.probable', { name: enc.name, probable: enc.probable })),
      h(
        'button',
        { type: 'button', class: 'button secondary', 'data-reread': enc.probable },
        t('encoding.reread', { probable: enc.probable }),
      ),
    );
  } else {
    hint.hidden = true;
    hint.replaceChildren();
  }

  renderCounts(report);
  renderFindings(state);

  const notes = report.notes;
  $('notes-card').hidden = notes.length === 0;
  $('notes').replaceChildren(...notes.map((n) => h('li', {}, n)));
}

function codeTitle(code) {
  return has('code.' + code) ? t('code.' + code) : code;
}

function renderCounts(report) {
  const entries = Object.entries(report.errorCounts).filter(([, n]) => n > 0);
  if (entries.length === 0) {
    $('counts').replaceChildren(h('p', { class: 'none', id: 'counts-none' }, t('counts.none')));
    return;
  }
  $('counts').replaceChildren(
    h(
      'table',
      { class: 'counts', id: 'counts-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('counts.code')), h('th', { scope: 'col' }, t('counts.meaning')), h('th', { scope: 'col', class: 'num' }, t('counts.count')))),
      h(
        'tbody',
        {},
        entries.map(([code, n]) =>
          h('tr', { 'data-code': code }, h('td', {}, h('code', {}, code)), h('td', {}, codeTitle(code)), h('td', { class: 'num' }, formatNumber(n))),
        ),
      ),
    ),
  );
}

/** One page of the findings table, and the pager. */
export function renderFindings(state) {
  const { report } = state;
  const findings = report.findings;
  const pages = Math.max(1, Math.ceil(findings.length / PAGE_SIZE));
  state.page = Math.min(Math.max(0, state.page ?? 0), pages - 1);
  const from = state.page * PAGE_SIZE;
  const slice = findings.slice(from, from + PAGE_SIZE);
  $('findings-card').hidden = findings.length === 0;
  $('findings').tBodies[0].replaceChildren(
    ...slice.map((f) =>
      h(
        'tr',
        {},
        h('td', { class: 'num' }, f.rowNumber == null ? '—' : formatNumber(f.rowNumber)),
        h('td', {}, f.fieldName ?? (f.fieldNumber != null ? t('findings.column', { n: f.fieldNumber }) : '—')),
        h('td', {}, h('code', { title: codeTitle(f.code) }, f.code)),
        h('td', {}, f.message),
      ),
    ),
  );
  const truncated = $('findings-truncated');
  truncated.hidden = !report.truncated;
  truncated.textContent = report.truncated
    ? t('findings.truncated', { kept: formatNumber(findings.length), total: formatNumber(report.findingsTotal) })
    : '';
  $('page-info').textContent = `${t('findings.page', { page: state.page + 1, pages })} · ${t('findings.range', {
    from: formatNumber(findings.length ? from + 1 : 0),
    to: formatNumber(from + slice.length),
    total: formatNumber(findings.length),
  })}`;
  $('page-prev').disabled = state.page === 0;
  $('page-next').disabled = state.page >= pages - 1;
}

function piiList(counts) {
  const entries = Object.entries(counts);
  if (entries.length === 0) return '—';
  return entries.map(([kind, n]) => `${formatNumber(n)} ${has('pii.' + kind) ? t('pii.' + kind) : kind}`).join(', ');
}

function category(c) {
  return c ? t('category.' + c) : t('scan.undeclared');
}

/** The personal-data section: what the scan found outside declared personal fields. */
export function renderPrivacy(scanReport) {
  const box = $('privacy');
  if (!scanReport) {
    box.replaceChildren(h('p', { class: 'hint' }, t('privacy.running')));
    return;
  }
  const scan = scanReport.scan;
  const hits = scan.fields.filter((f) => f.cellsWithPii > 0);
  if (!scan.personalDataFound) {
    box.replaceChildren(h('p', { class: 'ok-text', id: 'privacy-none' }, t('privacy.none')));
    return;
  }
  box.replaceChildren(
    h('p', { class: 'bad-text' }, t('privacy.found')),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { id: 'scan-table' },
        h('thead', {}, h('tr', {}, ['scan.column', 'scan.declared', 'scan.scanned', 'scan.withPii', 'scan.kinds'].map((k, i) => h('th', { scope: 'col', class: i >= 2 && i < 4 ? 'num' : null }, t(k))))),
        h(
          'tbody',
          {},
          hits.map((f) =>
            h(
              'tr',
              {},
              h('td', {}, f.name),
              h('td', {}, category(f.declared)),
              h('td', { class: 'num' }, formatNumber(f.cellsScanned)),
              h('td', { class: 'num' }, formatNumber(f.cellsWithPii)),
              h('td', {}, piiList(f.pii)),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Per-column minimisation, k-anonymity and warnings, from a scan (preview) or a run. */
export function renderPlan(report, preview) {
  const m = report.minimisation;
  $('plan-card').hidden = !m;
  if (!m) return;
  $('plan-note').textContent = preview ? t('plan.previewNote') : '';
  const k = m.kAnonymity;
  if (k) {
    const unit = k.subjectField ? t('kanon.unitSubjects', { field: k.subjectField }) : t('kanon.unitRows');
    const params = {
      k: formatNumber(k.k),
      threshold: formatNumber(k.threshold),
      groups: formatNumber(k.groups),
      below: formatNumber(k.groupsBelowThreshold),
      unit,
    };
    $('kanon').replaceChildren(
      h(
        'div',
        { class: k.passes ? 'notice ok' : 'notice bad', id: 'kanon-result' },
        h('h4', {}, t('kanon.title')),
        h('p', {}, t(k.passes ? 'kanon.pass' : 'kanon.fail', params)),
        h('p', { class: 'hint' }, t('kanon.qi', { list: k.quasiIdentifiers.join(', ') })),
      ),
    );
  } else {
    $('kanon').replaceChildren();
  }
  const heads = ['plan.field', 'plan.category', 'plan.action', 'plan.changed', 'plan.suppressed', 'plan.pii', 'plan.rowIds'];
  $('plan').replaceChildren(
    h('thead', {}, h('tr', {}, heads.map((key, i) => h('th', { scope: 'col', class: i >= 3 && i !== 5 ? 'num' : null }, t(key))))),
    h(
      'tbody',
      {},
      m.fields.map((f) =>
        h(
          'tr',
          { class: m.columnsOut.includes(f.name) ? null : 'dropped' },
          h('th', { scope: 'row' }, f.name),
          h('td', {}, category(f.category)),
          h('td', {}, h('code', {}, f.action)),
          h('td', { class: 'num' }, formatNumber(f.cellsChanged)),
          h('td', { class: 'num' }, formatNumber(f.cellsSuppressed)),
          h('td', {}, piiList(f.piiFound)),
          h('td', { class: 'num' }, formatNumber(f.rowIdentifiersRedacted)),
        ),
      ),
    ),
  );
  $('warnings').replaceChildren(
    ...(m.warnings.length
      ? [h('h4', {}, t('warnings.title')), h('ul', { class: 'warnings' }, m.warnings.map((w) => h('li', {}, w)))]
      : []),
  );
}

/** The result of a minimisation run. */
export function renderMinimised(result) {
  const m = result.report.minimisation;
  $('minimise-result').hidden = false;
  $('minimise-summary').textContent = t('minimise.done', {
    rows: formatNumber(m.rowsOut),
    columns: formatNumber(m.columnsOut.length),
    size: formatBytes(result.outputBytes),
  });
  $('minimise-key-id').textContent = m.keyId ? t('minimise.keyId', { id: m.keyId }) : '';
  // Like `watt minimise`: minimised rows of invalid data are only offered on request.
  const valid = result.report.valid;
  $('minimise-invalid').hidden = valid;
  $('download-csv').disabled = !valid && !$('allow-invalid').checked;
}
