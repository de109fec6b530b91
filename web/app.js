// The page: takes a file (drop or picker), asks the worker to check it, then to look for
// personal data, shows the report, and on demand minimises the file with the user's key.
//
// Privacy: the file is read by the worker from the File object, in this tab. The key is
// read from its field when "Minimise" is pressed and handed to the worker in that one
// message; it is never kept in a variable, never stored (no localStorage, sessionStorage,
// cookie or URL) and never sent anywhere — the Content-Security-Policy in index.html
// forbids connections beyond this site's own files anyway.

import { defaultLanguage, setLanguage, t, has, formatBytes, formatDuration } from './i18n.js';
import { renderCheck, renderFindings, renderPrivacy, renderPlan, renderMinimised } from './report-view.js';

const $ = (id) => document.getElementById(id);
const DEFAULT_SCHEMA_URL = 'schemas/energy_consumption.schema.json';

const state = {
  version: '',
  /** The schema text in use and its display name. */
  schemaText: null,
  schemaName: '',
  defaultSchema: null,
  customSchema: null,
  file: null,
  /** The check: {report, file, schemaName, ms, page}. */
  check: null,
  scan: null,
  minimised: null,
  /** The running job: {id, job, resolve, reject, started}. */
  running: null,
  /** Bumped by every new flow (a file, a minimisation): older flows stop touching the UI. */
  generation: 0,
};

// ---------------------------------------------------------------------------------------
// The worker

let worker = null;
let nextId = 1;
let workerReady;

/**
 * The worker is started from a one-line blob: module that imports worker.js. A worker
 * started from a blob: URL inherits this page's Content-Security-Policy (the <meta> tag),
 * whereas a worker started from worker.js directly would only be bound by response headers,
 * which not every static host sends. So the worker cannot connect anywhere either.
 */
function startWorker() {
  const script = `import ${JSON.stringify(new URL('./worker.js', import.meta.url).href)};`;
  const boot = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
  worker = new Worker(boot, { type: 'module', name: 'watt' });
  workerReady = new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === 'ready') {
        URL.revokeObjectURL(boot);
        state.version = msg.version;
        renderFooter();
        resolve();
      } else if (msg.type === 'error' && msg.id === null) {
        reject(Object.assign(new Error(msg.message), { code: msg.code }));
      } else {
        onWorkerMessage(msg);
      }
    };
  });
  worker.onerror = (event) => {
    event.preventDefault();
    const job = state.running;
    restartWorker();
    if (job) job.reject(Object.assign(new Error(event.message || 'worker error'), { code: 'internal-error' }));
  };
}

function restartWorker() {
  worker?.terminate();
  startWorker();
}

function onWorkerMessage(msg) {
  const job = state.running;
  if (!job || msg.id !== job.id) return;
  switch (msg.type) {
    case 'progress':
      showProgress(job, msg.bytes);
      break;
    case 'done':
      state.running = null;
      job.resolve(msg);
      break;
    case 'cancelled':
      state.running = null;
      job.reject(Object.assign(new Error('cancelled'), { code: 'cancelled' }));
      break;
    case 'error':
      state.running = null;
      // A trap leaves the wasm instance unusable: start afresh.
      if (msg.code === 'internal-error') restartWorker();
      job.reject(Object.assign(new Error(msg.message), { code: msg.code }));
      break;
  }
}

/** Runs one job in the worker; resolves with its 'done' message. */
async function runJob(job, payload) {
  await workerReady;
  if (state.running) await cancelRunning();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    state.running = { id, job, resolve, reject, started: performance.now(), file: payload.file };
    worker.postMessage({ type: job === 'validate-schema' ? job : 'run', id, job, ...payload });
  });
}

function cancelRunning() {
  const job = state.running;
  if (!job) return Promise.resolve();
  return new Promise((resolve) => {
    const { reject } = job;
    job.reject = (err) => {
      reject(err);
      resolve();
    };
    const { resolve: done } = job;
    job.resolve = (msg) => {
      done(msg);
      resolve();
    };
    worker.postMessage({ type: 'cancel', id: job.id });
  });
}

// ---------------------------------------------------------------------------------------
// Progress

function showProgress(job, bytes) {
  const total = job.file?.size ?? 0;
  const bar = $('progress-bar');
  bar.value = total ? bytes / total : 1;
  const seconds = (performance.now() - job.started) / 1000;
  const speed = seconds > 0 ? bytes / seconds : 0;
  const eta = speed > 0 ? (total - bytes) / speed : Infinity;
  $('progress-stats').textContent =
    bytes >= total
      ? t('progress.statsDone', { done: formatBytes(bytes), total: formatBytes(total) })
      : t('progress.stats', {
          done: formatBytes(bytes),
          total: formatBytes(total),
          speed: formatBytes(speed),
          eta: formatDuration(eta),
        });
}

function beginProgress(labelKey, file) {
  $('main').setAttribute('aria-busy', 'true');
  $('progress').hidden = false;
  $('progress-label').textContent = t(labelKey, { name: file.name });
  $('progress-bar').value = 0;
  $('progress-stats').textContent = '';
  announce(t(labelKey, { name: file.name }));
}

function endProgress() {
  $('progress').hidden = true;
  $('main').setAttribute('aria-busy', 'false');
}

function announce(text) {
  $('status').textContent = text;
}

// ---------------------------------------------------------------------------------------
// Errors

function showError(err) {
  const box = $('error');
  const code = err.code || 'internal-error';
  const title = has('error.' + code) ? t('error.' + code) : t('error.title');
  box.replaceChildren();
  const strong = document.createElement('strong');
  strong.textContent = title;
  box.append(strong);
  if (err.message && err.message !== title) {
    const detail = document.createElement('p');
    detail.className = 'error-detail';
    detail.textContent = err.message;
    box.append(detail);
  }
  box.dataset.code = code;
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').replaceChildren();
}

// ---------------------------------------------------------------------------------------
// Settings

function readOptions() {
  const delimiter = $('delimiter').value;
  const max = Number.parseInt($('max-findings').value, 10);
  return {
    dialect: { delimiter: delimiter === '' ? null : delimiter },
    encoding: $('encoding').value,
    maxFindings: Number.isFinite(max) && max > 0 ? max : 1000,
  };
}

function schemaDisplayName(text, fallback) {
  try {
    const json = JSON.parse(text);
    return json.title || json.name || fallback;
  } catch {
    return fallback;
  }
}

async function loadDefaultSchema() {
  const response = await fetch(DEFAULT_SCHEMA_URL);
  const text = await response.text();
  state.defaultSchema = { text, name: schemaDisplayName(text, 'energy_consumption') };
  useSchema();
}

function useSchema() {
  const custom = document.querySelector('input[name="schema"][value="custom"]').checked;
  const chosen = custom && state.customSchema ? state.customSchema : state.defaultSchema;
  if (!chosen) return false;
  state.schemaText = chosen.text;
  state.schemaName = chosen.name;
  return true;
}

async function onSchemaFile(file) {
  if (!file) return;
  const text = await file.text();
  const status = $('schema-status');
  try {
    await runJob('validate-schema', { schema: text });
    state.customSchema = { text, name: schemaDisplayName(text, file.name) };
    document.querySelector('input[name="schema"][value="custom"]').checked = true;
    status.textContent = t('schema.loaded', { name: state.customSchema.name });
    status.className = 'hint ok-text';
    settingsChanged();
  } catch (err) {
    state.customSchema = null;
    document.querySelector('input[name="schema"][value="default"]').checked = true;
    status.textContent = `${t('schema.invalid')} : ${err.message}`;
    status.className = 'hint bad-text';
  }
}

function settingsChanged() {
  useSchema();
  if (state.file) start(state.file);
}

// ---------------------------------------------------------------------------------------
// Running

/** Checks `file`, shows the report, then looks for personal data. */
async function start(file) {
  const gen = ++state.generation;
  const current = () => gen === state.generation;
  if (!file) {
    showError({ code: 'no-file' });
    return;
  }
  clearError();
  state.file = file;
  state.check = null;
  state.scan = null;
  state.minimised = null;
  $('report').hidden = true;
  $('minimise-result').hidden = true;
  beginProgress('progress.check', file);
  await schemaLoaded;
  if (!current()) return;
  const schema = state.schemaText;
  const options = readOptions();
  let done;
  try {
    done = await runJob('check', { file, schema, options });
  } catch (err) {
    if (!current()) return;
    endProgress();
    if (err.code === 'cancelled') announce(t('progress.cancelled'));
    else showError(err);
    return;
  }
  if (!current()) return;
  state.check = { report: done.report, file, schemaName: state.schemaName, ms: done.ms, page: 0 };
  renderCheck(state.check);
  renderPrivacy(null);
  renderPlan({}, true);
  $('report').hidden = false;
  $('verdict').focus();
  announce($('verdict').textContent);

  beginProgress('progress.scan', file);
  try {
    const scanned = await runJob('scan', { file, schema, options });
    if (!current()) return;
    state.scan = scanned.report;
    renderPrivacy(state.scan);
    $('privacy').dataset.ms = String(scanned.ms);
    renderPlan(state.scan, true);
    endProgress();
  } catch (err) {
    if (!current()) return;
    endProgress();
    $('privacy').replaceChildren();
    if (err.code === 'cancelled') announce(t('progress.cancelled'));
    else showError(err);
  }
}

async function minimise() {
  const { file } = state;
  if (!file) return;
  const gen = ++state.generation;
  const current = () => gen === state.generation;
  if (!state.scan) $('privacy').replaceChildren();
  clearError();
  $('minimise-result').hidden = true;
  $('allow-invalid').checked = false;
  beginProgress('progress.minimise', file);
  try {
    const done = await runJob('minimise', {
      file,
      schema: state.schemaText,
      options: readOptions(),
      key: $('key').value.trim() || null,
    });
    if (!current()) return;
    state.minimised = { report: done.report, blob: done.output, outputBytes: done.outputBytes, file };
    endProgress();
    renderMinimised(state.minimised);
    renderPlan(state.minimised.report, false);
    $('minimise-summary').dataset.ms = String(done.ms);
    $('minimise-summary').focus();
    announce($('minimise-summary').textContent);
  } catch (err) {
    if (!current()) return;
    endProgress();
    if (err.code === 'cancelled') announce(t('progress.cancelled'));
    else showError(err);
  }
}

// ---------------------------------------------------------------------------------------
// Downloads

function baseName(file) {
  return file.name.replace(/\.[^.]*$/, '') || 'file';
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The report exactly as `watt check --format json` prints it. */
function reportBlob(report) {
  return new Blob([JSON.stringify(report, null, 2) + '\n'], { type: 'application/json' });
}

// ---------------------------------------------------------------------------------------
// Wiring

function renderFooter() {
  $('footer').textContent = t('footer.text', { version: state.version || '…' });
}

function applyLanguage(lang) {
  setLanguage(lang);
  for (const b of document.querySelectorAll('.lang-btn')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  }
  renderFooter();
  if (state.check) renderCheck(state.check);
  if (state.check) renderPrivacy(state.scan);
  if (state.minimised) {
    renderMinimised(state.minimised);
    renderPlan(state.minimised.report, false);
  } else if (state.scan) {
    renderPlan(state.scan, true);
  }
}

function wire() {
  const drop = $('drop');
  const input = $('file');
  // A file dropped anywhere else must not make the browser navigate away to it.
  for (const type of ['dragover', 'drop']) window.addEventListener(type, (e) => e.preventDefault());
  drop.addEventListener('dragenter', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    start(e.dataTransfer.files[0]);
  });
  drop.addEventListener('click', (e) => {
    // The input sits inside the zone: its own click bubbles here and must not open it again.
    if (e.target !== input && !(e.target instanceof HTMLLabelElement)) input.click();
  });
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      input.click();
    }
  });
  input.addEventListener('change', () => {
    if (input.files[0]) start(input.files[0]);
    input.value = '';
  });

  for (const b of document.querySelectorAll('.lang-btn')) {
    b.addEventListener('click', () => applyLanguage(b.dataset.lang));
  }
  for (const r of document.querySelectorAll('input[name="schema"]')) {
    r.addEventListener('change', () => {
      if (r.value === 'custom' && !state.customSchema) $('schema-file').click();
      else settingsChanged();
    });
  }
  $('schema-file').addEventListener('change', (e) => onSchemaFile(e.target.files[0]));
  for (const id of ['encoding', 'delimiter', 'max-findings']) $(id).addEventListener('change', settingsChanged);
  $('encoding-hint').addEventListener('click', (e) => {
    // Latin-1 reads as Windows-1252, which decodes its letters the same.
    const probable = e.target.closest('[data-reread]')?.dataset.reread;
    const enc = probable === 'iso-8859-1' ? 'windows-1252' : probable;
    if (enc && [...$('encoding').options].some((o) => o.value === enc)) {
      $('encoding').value = enc;
      settingsChanged();
    }
  });

  $('cancel').addEventListener('click', () => cancelRunning());
  $('page-prev').addEventListener('click', () => {
    state.check.page -= 1;
    renderFindings(state.check);
  });
  $('page-next').addEventListener('click', () => {
    state.check.page += 1;
    renderFindings(state.check);
  });
  $('download-report').addEventListener('click', () => {
    if (state.check) download(reportBlob(state.check.report), `${baseName(state.check.file)}.report.json`);
  });
  $('minimise-form').addEventListener('submit', (e) => {
    e.preventDefault();
    minimise();
  });
  $('allow-invalid').addEventListener('change', () => {
    if (state.minimised) renderMinimised(state.minimised);
  });
  $('show-key').addEventListener('change', (e) => {
    $('key').type = e.target.checked ? 'text' : 'password';
  });
  $('download-csv').addEventListener('click', () => {
    if (state.minimised) download(state.minimised.blob, `${baseName(state.minimised.file)}.minimised.csv`);
  });
  $('download-min-report').addEventListener('click', () => {
    if (state.minimised) download(reportBlob(state.minimised.report), `${baseName(state.minimised.file)}.minimisation.json`);
  });
}

applyLanguage(defaultLanguage());
wire();
startWorker();
const schemaLoaded = loadDefaultSchema().catch(showError);
workerReady.catch(showError);
