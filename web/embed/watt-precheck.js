// <watt-precheck>: watt's local pre-check inside any upload form. One ES module, no framework.
//
//   <script type="module" src="/watt/watt-precheck.js"></script>
//   <form method="post" action="/upload" enctype="multipart/form-data">
//     <watt-precheck name="export" required schema-url="/watt/schemas/energy_consumption.schema.json"></watt-precheck>
//     <button>Send</button>
//   </form>
//
// The producer picks (or drops) a CSV file; the element checks it against the schema in a
// Web Worker — the page's own worker.js and wasm, the same engine as `watt check` — shows the
// verdict and the findings, and, when the file is valid, minimises it with the producer's
// pseudonymisation key (the bytes of `watt minimise`). It is a form-associated custom element:
// its form value is the minimised File, so the host's ordinary <form> uploads that file and
// only that one, and the form cannot be submitted while the file is invalid or not yet
// minimised. The element itself never sends anything: it fetches its schema (schema-url) and
// its worker fetches the wasm, both from where the host serves them; the host decides where
// the file goes. The key is read from its field when "Minimise" is pressed, handed to the
// worker in that one message, and the field is emptied; it is never stored.
//
// Attributes: schema-url (a Table Schema to fetch) or schema (the schema's JSON text);
// lang (fr or en; default: the page's language); minimise ("required", the default: only a
// minimised file is handed over; "optional": a valid file is handed over as it is until it is
// minimised); name and required, as for any form control.
// Events (bubbling, composed): watt-report {report, fileName} after each check;
// watt-file {file, report, minimised} when a file is ready for the form; watt-error
// {code, message}. Properties: value (the File ready, or null), report (the last report).
// Theming: CSS custom properties --watt-font, --watt-text, --watt-muted, --watt-background,
// --watt-border, --watt-accent, --watt-accent-text, --watt-ok, --watt-bad, --watt-focus,
// --watt-radius; parts box, button, verdict, findings.
//
// Host pages need this Content-Security-Policy at least (web/README.md, "Embedding"):
// script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self' (the worker's
// module graph, worker.js and the wasm glue it imports, is fetched as worker scripts).

const WORKER_URL = new URL('./worker.js', import.meta.url);
/** Findings listed in the element (all are counted). */
const LISTED = 20;

const STRINGS = {
  fr: {
    title: 'Vérification du fichier',
    choose: 'Choisir un fichier CSV',
    drop: 'ou déposez-le ici. Il est vérifié dans votre navigateur : rien n’est envoyé avant l’envoi du formulaire.',
    none: 'Aucun fichier choisi.',
    checking: 'Vérification de {name}…',
    minimising: 'Minimisation de {name}…',
    valid: '✓ Fichier valide',
    invalid: '✗ Fichier non valide',
    summary: '{rows} lignes · {findings} constats',
    more: 'et {n} autres constats',
    row: 'Ligne',
    field: 'Champ',
    code: 'Code',
    message: 'Message',
    column: 'colonne {n}',
    keyLabel: 'Clé de pseudonymisation',
    keyHint: 'Utilisée dans ce navigateur pour minimiser le fichier, jamais envoyée ni conservée.',
    minimise: 'Minimiser',
    needMinimise: 'Le fichier est valide : minimisez-le pour pouvoir l’envoyer.',
    optional: 'Le fichier est valide et peut être envoyé ; le minimiser est recommandé.',
    ready: '✓ Fichier minimisé prêt : {name} ({rows} lignes, {columns} colonnes). Il partira avec le formulaire.',
    'validity.missing': 'Choisissez un fichier à vérifier.',
    'validity.invalid': 'Le fichier n’est pas valide : corrigez les constats avant de l’envoyer.',
    'validity.minimise': 'Minimisez le fichier avant de l’envoyer.',
    'validity.busy': 'Vérification en cours.',
    'error.no-schema': 'Aucun schéma : l’élément attend l’attribut schema-url ou schema.',
    'error.schema-fetch': 'Le schéma n’a pas pu être chargé.',
    'error.schema-error': 'Le schéma est refusé.',
    'error.undecided': 'Pour minimiser, chaque champ du schéma doit déclarer une politique gdpr.',
    'error.key-required': 'Ce schéma pseudonymise des champs : saisissez une clé.',
    'error.key-too-short': 'La clé est trop courte : 32 caractères au moins.',
    'error.key-weak': 'La clé est trop faible : elle doit utiliser au moins 8 caractères différents.',
    'error.init-error': 'Le moteur WebAssembly n’a pas pu démarrer.',
    'error.internal-error': 'Erreur interne du moteur.',
  },
  en: {
    title: 'File check',
    choose: 'Choose a CSV file',
    drop: 'or drop it here. It is checked in your browser: nothing is sent before the form is.',
    none: 'No file chosen.',
    checking: 'Checking {name}…',
    minimising: 'Minimising {name}…',
    valid: '✓ Valid file',
    invalid: '✗ Invalid file',
    summary: '{rows} rows · {findings} findings',
    more: 'and {n} more findings',
    row: 'Row',
    field: 'Field',
    code: 'Code',
    message: 'Message',
    column: 'column {n}',
    keyLabel: 'Pseudonymisation key',
    keyHint: 'Used in this browser to minimise the file, never sent, never stored.',
    minimise: 'Minimise',
    needMinimise: 'The file is valid: minimise it to be able to send it.',
    optional: 'The file is valid and can be sent; minimising it is recommended.',
    ready: '✓ Minimised file ready: {name} ({rows} rows, {columns} columns). It will go with the form.',
    'validity.missing': 'Choose a file to check.',
    'validity.invalid': 'The file is not valid: fix the findings before sending it.',
    'validity.minimise': 'Minimise the file before sending it.',
    'validity.busy': 'Checking.',
    'error.no-schema': 'No schema: the element needs the schema-url or schema attribute.',
    'error.schema-fetch': 'The schema could not be loaded.',
    'error.schema-error': 'The schema is rejected.',
    'error.undecided': 'To minimise, every field of the schema must declare a gdpr policy.',
    'error.key-required': 'This schema pseudonymises fields: enter a key.',
    'error.key-too-short': 'The key is too short: at least 32 characters.',
    'error.key-weak': 'The key is too weak: it must use at least 8 different characters.',
    'error.init-error': 'The WebAssembly engine could not start.',
    'error.internal-error': 'Internal engine error.',
  },
};

const STYLE = `
:host {
  display: block;
  font: var(--watt-font, inherit);
  color: var(--watt-text, inherit);
}
:host([hidden]) { display: none; }
.box {
  background: var(--watt-background, transparent);
  border: 2px dashed var(--watt-border, #8a94a3);
  border-radius: var(--watt-radius, 8px);
  padding: 1rem;
}
.box.over { border-style: solid; border-color: var(--watt-accent, #1f5fbf); }
.title { font-weight: 600; margin: 0 0 0.5rem; }
.hint, .muted { color: var(--watt-muted, #5b6470); font-size: 0.9em; margin: 0.25rem 0; }
button {
  font: inherit;
  cursor: pointer;
  background: var(--watt-accent, #1f5fbf);
  color: var(--watt-accent-text, #fff);
  border: 0;
  border-radius: var(--watt-radius, 8px);
  padding: 0.45rem 0.9rem;
}
button:disabled { opacity: 0.6; cursor: default; }
button:focus-visible, input:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid var(--watt-focus, #f0a800);
  outline-offset: 2px;
}
input[type="password"] {
  font: inherit;
  padding: 0.4rem;
  border: 1px solid var(--watt-border, #8a94a3);
  border-radius: var(--watt-radius, 8px);
  min-width: min(100%, 22rem);
}
label { display: block; font-weight: 600; margin-top: 0.75rem; }
.key-row { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
.verdict { font-weight: 700; margin: 0.75rem 0 0.25rem; }
.verdict.ok, .ready { color: var(--watt-ok, #1d7a3e); }
.verdict.bad, .error { color: var(--watt-bad, #b3261e); }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin-top: 0.5rem; }
th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid var(--watt-border, #d9dde3); vertical-align: top; }
progress { width: 100%; }
[hidden] { display: none !important; }
`;

let sheet = null;
/** One stylesheet for every instance; constructed, so no inline style for the CSP to allow. */
function styleSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
  }
  return sheet;
}

const TEMPLATE = `
<div class="box" part="box">
  <p class="title" id="title"></p>
  <button type="button" id="pick" part="button" aria-describedby="drop-hint file-name"></button>
  <input type="file" id="file" accept=".csv,.txt,.tsv,text/csv,text/plain" hidden tabindex="-1">
  <p class="hint" id="drop-hint"></p>
  <p class="muted" id="file-name"></p>
  <progress id="progress" max="1" value="0" hidden></progress>
  <p id="status" role="status" aria-live="polite"></p>
  <p class="error" id="error" role="alert" hidden></p>
  <div id="result" hidden>
    <p class="verdict" id="verdict" part="verdict" tabindex="-1"></p>
    <p class="muted" id="summary"></p>
    <table id="findings" part="findings" hidden>
      <thead><tr><th id="h-row"></th><th id="h-field"></th><th id="h-code"></th><th id="h-message"></th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="muted" id="more" hidden></p>
  </div>
  <div id="key-form" role="group" aria-labelledby="key-label" hidden>
    <label for="key" id="key-label"></label>
    <div class="key-row">
      <input id="key" type="password" autocomplete="off" spellcheck="false" aria-describedby="key-hint">
      <button type="button" id="minimise" part="button"></button>
    </div>
    <p class="hint" id="key-hint"></p>
  </div>
  <p class="ready" id="ready" tabindex="-1" hidden></p>
</div>`;

class WattPrecheck extends HTMLElement {
  static formAssociated = true;
  static observedAttributes = ['lang', 'schema', 'schema-url', 'minimise', 'required'];

  #internals = this.attachInternals();
  #root = this.attachShadow({ mode: 'open', delegatesFocus: true });
  #worker = null;
  #workerReady = null;
  #nextId = 1;
  /** The running job: {id, resolve, reject, size}. */
  #running = null;
  #schemaText = null;
  #file = null;
  #report = null;
  #value = null;
  #busy = false;
  /** What the status line says: [key, params], re-rendered on a language change. */
  #statusKey = null;
  #errorCode = null;
  /** The engine's message of the error shown (it never holds a cell value or the key). */
  #errorDetail = '';
  #readyInfo = null;

  constructor() {
    super();
    this.#root.adoptedStyleSheets = [styleSheet()];
    this.#root.innerHTML = TEMPLATE;
    const $ = (id) => this.#root.getElementById(id);
    const input = $('file');
    $('pick').addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      if (input.files[0]) this.#check(input.files[0]);
      input.value = '';
    });
    const box = this.#root.querySelector('.box');
    box.addEventListener('dragover', (e) => {
      e.preventDefault();
      box.classList.add('over');
    });
    box.addEventListener('dragleave', () => box.classList.remove('over'));
    box.addEventListener('drop', (e) => {
      e.preventDefault();
      box.classList.remove('over');
      if (e.dataTransfer.files[0]) this.#check(e.dataTransfer.files[0]);
    });
    // No <form> of its own: the element usually sits in the host's, and a form cannot nest
    // (the parser would drop it). Enter in the key field minimises, as a submit would.
    $('minimise').addEventListener('click', () => this.#minimise());
    $('key').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.#minimise();
      }
    });
  }

  connectedCallback() {
    this.#render();
    this.#updateValidity();
  }

  disconnectedCallback() {
    this.#stopWorker();
  }

  attributeChangedCallback(name, before, after) {
    if (before === after) return;
    if (name === 'schema' || name === 'schema-url') {
      this.#schemaText = null;
      this.#clear();
    }
    if (name === 'minimise' && this.#report?.valid && !this.#value?.minimised) this.#afterValidCheck();
    this.#render();
    this.#updateValidity();
  }

  /** The File the form will send (the minimised one), or null. */
  get value() {
    return this.#value?.file ?? null;
  }

  /** The last report: the check's, then the minimisation's. */
  get report() {
    return this.#report;
  }

  get form() {
    return this.#internals.form;
  }

  get validity() {
    return this.#internals.validity;
  }

  get validationMessage() {
    return this.#internals.validationMessage;
  }

  checkValidity() {
    return this.#internals.checkValidity();
  }

  reportValidity() {
    return this.#internals.reportValidity();
  }

  /** A disabled <fieldset> or form control: nothing can be picked or minimised. */
  formDisabledCallback(disabled) {
    for (const id of ['pick', 'key', 'minimise']) this.#root.getElementById(id).disabled = disabled;
  }

  formResetCallback() {
    this.#clear();
    this.#render();
  }

  // -------------------------------------------------------------------------------------
  // Language and rendering

  get #lang() {
    const lang = (this.getAttribute('lang') || this.closest('[lang]')?.getAttribute('lang') || navigator.language || 'en').toLowerCase();
    return lang.startsWith('fr') ? 'fr' : 'en';
  }

  #t(key, params = {}) {
    const text = STRINGS[this.#lang][key] ?? STRINGS.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
  }

  #n(value) {
    return new Intl.NumberFormat(this.#lang).format(value);
  }

  #render() {
    const $ = (id) => this.#root.getElementById(id);
    const text = { title: 'title', pick: 'choose', 'drop-hint': 'drop', 'key-label': 'keyLabel', 'key-hint': 'keyHint', minimise: 'minimise', 'h-row': 'row', 'h-field': 'field', 'h-code': 'code', 'h-message': 'message' };
    for (const [id, key] of Object.entries(text)) $(id).textContent = this.#t(key);
    $('file-name').textContent = this.#file ? this.#file.name : this.#t('none');
    $('status').textContent = this.#statusKey ? this.#t(...this.#statusKey) : '';
    $('error').hidden = !this.#errorCode;
    $('error').textContent = this.#errorCode ? this.#errorText() : '';
    if (this.#errorCode) $('error').dataset.code = this.#errorCode;
    this.#renderReport();
    $('ready').hidden = !this.#readyInfo;
    $('ready').textContent = this.#readyInfo ? this.#t('ready', this.#readyInfo) : '';
  }

  #errorText() {
    const key = `error.${this.#errorCode}`;
    const title = STRINGS.en[key] ? this.#t(key) : this.#t('error.internal-error');
    return this.#errorDetail ? `${title} ${this.#errorDetail}` : title;
  }

  #renderReport() {
    const $ = (id) => this.#root.getElementById(id);
    const report = this.#report;
    $('result').hidden = !report;
    if (!report) return;
    $('verdict').textContent = this.#t(report.valid ? 'valid' : 'invalid');
    $('verdict').className = `verdict ${report.valid ? 'ok' : 'bad'}`;
    $('summary').textContent = this.#t('summary', { rows: this.#n(report.stats.rows), findings: this.#n(report.findingsTotal) });
    const listed = report.findings.slice(0, LISTED);
    const body = $('findings').tBodies[0];
    body.replaceChildren(
      ...listed.map((f) => {
        const tr = document.createElement('tr');
        tr.dataset.code = f.code;
        const where = f.fieldName ?? (f.fieldNumber != null ? this.#t('column', { n: f.fieldNumber }) : '—');
        for (const cell of [f.rowNumber == null ? '—' : String(f.rowNumber), where, f.code, f.message]) {
          const td = document.createElement('td');
          td.textContent = cell;
          tr.append(td);
        }
        return tr;
      }),
    );
    $('findings').hidden = listed.length === 0;
    const more = report.findingsTotal - listed.length;
    $('more').hidden = more <= 0;
    $('more').textContent = more > 0 ? this.#t('more', { n: this.#n(more) }) : '';
  }

  #status(key, params) {
    this.#statusKey = key ? [key, params] : null;
    this.#root.getElementById('status').textContent = key ? this.#t(key, params) : '';
  }

  #fail(err) {
    this.#errorCode = err.code || 'internal-error';
    this.#errorDetail = err.message || '';
    this.#render();
    this.#emit('watt-error', { code: this.#errorCode, message: err.message || '' });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  // -------------------------------------------------------------------------------------
  // Form value and validity

  #setValue(value) {
    this.#value = value;
    this.#internals.setFormValue(value ? value.file : null);
    this.#updateValidity();
  }

  #updateValidity() {
    const $ = (id) => this.#root.getElementById(id);
    let flags = {};
    let message = '';
    let anchor = $('pick');
    if (this.#busy) {
      flags = { customError: true };
      message = this.#t('validity.busy');
    } else if (this.#report && !this.#report.valid) {
      flags = { customError: true };
      message = this.#t('validity.invalid');
    } else if (this.#report && !this.#value) {
      flags = { customError: true };
      message = this.#t('validity.minimise');
      anchor = $('key');
    } else if (!this.#value && this.hasAttribute('required')) {
      flags = { valueMissing: true };
      message = this.#t('validity.missing');
    }
    this.#internals.setValidity(flags, message, anchor);
  }

  #clear() {
    if (this.#running) this.#stopWorker();
    this.#file = null;
    this.#report = null;
    this.#busy = false;
    this.#statusKey = null;
    this.#errorCode = null;
    this.#errorDetail = '';
    this.#readyInfo = null;
    this.#root.getElementById('key-form').hidden = true;
    this.#root.getElementById('progress').hidden = true;
    this.#setValue(null);
  }

  // -------------------------------------------------------------------------------------
  // The worker: web/worker.js, the page's, started from a one-line blob: module so that it
  // is bound by the host page's Content-Security-Policy (a worker loaded from its own URL
  // is bound only by that response's headers).

  #startWorker() {
    const script = `import ${JSON.stringify(WORKER_URL.href)};`;
    const boot = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
    const worker = new Worker(boot, { type: 'module', name: 'watt-precheck' });
    this.#worker = worker;
    this.#workerReady = new Promise((resolve, reject) => {
      worker.onmessage = ({ data: msg }) => {
        if (msg.type === 'ready') {
          URL.revokeObjectURL(boot);
          resolve();
        } else if (msg.type === 'error' && msg.id === null) {
          reject(Object.assign(new Error(msg.message), { code: msg.code }));
        } else {
          this.#onWorkerMessage(msg);
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        const err = Object.assign(new Error(event.message || 'worker error'), { code: 'init-error' });
        reject(err);
        this.#running?.reject(err);
        this.#stopWorker();
      };
    });
    this.#workerReady.catch(() => {});
  }

  #stopWorker() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#workerReady = null;
    this.#running?.reject(Object.assign(new Error('stopped'), { code: 'cancelled' }));
    this.#running = null;
  }

  #onWorkerMessage(msg) {
    const job = this.#running;
    if (!job || msg.id !== job.id) return;
    if (msg.type === 'progress') {
      this.#root.getElementById('progress').value = job.size ? msg.bytes / job.size : 1;
    } else if (msg.type === 'done') {
      this.#running = null;
      job.resolve(msg);
    } else if (msg.type === 'error') {
      this.#running = null;
      // A trapped engine cannot be used again: the next job starts a fresh worker.
      if (msg.code === 'internal-error') this.#stopWorker();
      job.reject(Object.assign(new Error(msg.message), { code: msg.code }));
    }
  }

  /** Runs one job ('check' or 'minimise') in the worker, one at a time. */
  async #run(job, payload) {
    if (this.#running) this.#stopWorker();
    if (!this.#worker) this.#startWorker();
    await this.#workerReady;
    const id = this.#nextId++;
    const progress = this.#root.getElementById('progress');
    progress.value = 0;
    progress.hidden = false;
    try {
      return await new Promise((resolve, reject) => {
        this.#running = { id, resolve, reject, size: payload.file.size };
        this.#worker.postMessage({ type: 'run', id, job, options: null, ...payload });
      });
    } finally {
      progress.hidden = true;
    }
  }

  async #schema() {
    if (this.#schemaText !== null) return this.#schemaText;
    const inline = this.getAttribute('schema');
    const url = this.getAttribute('schema-url');
    if (inline) {
      this.#schemaText = inline;
    } else if (url) {
      let response;
      try {
        response = await fetch(new URL(url, document.baseURI), { credentials: 'same-origin' });
      } catch (err) {
        throw Object.assign(new Error(String(err.message || err)), { code: 'schema-fetch' });
      }
      if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: 'schema-fetch' });
      this.#schemaText = await response.text();
    } else {
      throw Object.assign(new Error(''), { code: 'no-schema' });
    }
    return this.#schemaText;
  }

  // -------------------------------------------------------------------------------------
  // The two steps

  async #check(file) {
    this.#clear();
    this.#file = file;
    this.#busy = true;
    this.#status('checking', { name: file.name });
    this.#render();
    this.#updateValidity();
    let done;
    try {
      done = await this.#run('check', { file, schema: await this.#schema() });
    } catch (err) {
      if (err.code === 'cancelled' || this.#file !== file) return;
      this.#busy = false;
      this.#status(null);
      this.#fail(err);
      this.#updateValidity();
      return;
    }
    if (this.#file !== file) return;
    this.#busy = false;
    this.#report = done.report;
    this.#status(null);
    this.#render();
    this.#emit('watt-report', { report: done.report, fileName: file.name });
    if (done.report.valid) this.#afterValidCheck();
    else this.#updateValidity();
    this.#root.getElementById('verdict').focus();
  }

  /** A valid file: ask for the key; with minimise="optional", the file can go as it is. */
  #afterValidCheck() {
    this.#root.getElementById('key-form').hidden = false;
    if (this.getAttribute('minimise') === 'optional') {
      this.#status('optional');
      this.#setValue({ file: this.#file, minimised: false });
      this.#emit('watt-file', { file: this.#file, report: this.#report, minimised: false });
    } else {
      this.#status('needMinimise');
      this.#setValue(null);
    }
  }

  async #minimise() {
    const file = this.#file;
    if (!file || !this.#report?.valid) return;
    const keyField = this.#root.getElementById('key');
    const key = keyField.value.trim() || null;
    this.#errorCode = null;
    this.#busy = true;
    this.#status('minimising', { name: file.name });
    this.#render();
    this.#updateValidity();
    let done;
    try {
      done = await this.#run('minimise', { file, schema: await this.#schema(), key });
    } catch (err) {
      if (err.code === 'cancelled' || this.#file !== file) return;
      this.#busy = false;
      this.#status(null);
      this.#fail(err);
      this.#updateValidity();
      keyField.focus();
      return;
    }
    if (this.#file !== file) return;
    keyField.value = '';
    this.#busy = false;
    this.#report = done.report;
    this.#status(null);
    if (!done.report.valid) {
      // The same engine validated it a moment ago; should the file have changed since, the
      // minimised bytes of invalid data are not handed over (as `watt minimise` refuses).
      this.#render();
      this.#updateValidity();
      return;
    }
    const name = `${file.name.replace(/\.[^.]*$/, '') || 'file'}.minimised.csv`;
    const minimised = new File([done.output], name, { type: 'text/csv' });
    const m = done.report.minimisation;
    this.#readyInfo = { name, rows: this.#n(m.rowsOut), columns: this.#n(m.columnsOut.length) };
    this.#root.getElementById('key-form').hidden = true;
    this.#render();
    this.#setValue({ file: minimised, minimised: true });
    this.#emit('watt-file', { file: minimised, report: done.report, minimised: true });
    this.#root.getElementById('ready').focus();
  }
}

if (!customElements.get('watt-precheck')) customElements.define('watt-precheck', WattPrecheck);

export { WattPrecheck };
