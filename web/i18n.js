// The interface in French and English. French is the default when the browser's language
// is French; the switch in the header changes it for this visit (nothing is stored).
//
// Static text carries `data-i18n="key"` (text) or `data-i18n-attr="attr:key;attr:key"`;
// code calls `t(key, params)`. Messages from the engine (findings, warnings) come from
// watt-core and stay in English, exactly as `watt check` prints them.

const fr = {
  'page.title': 'watt — pré-contrôle des relevés de compteurs',
  'header.title': 'Pré-contrôle des relevés de compteurs',
  'header.tagline':
    'Vérifiez et minimisez un export de compteurs communicants avant de le partager. Le fichier est traité dans votre navigateur : aucun octet n’est envoyé.',
  'lang.label': 'Langue',
  'drop.title': 'Déposez un fichier CSV ici',
  'drop.or': 'ou',
  'drop.choose': 'choisir un fichier',
  'drop.aria': 'Zone de dépôt : déposez un fichier CSV ou appuyez sur Entrée pour en choisir un',
  'drop.hint': 'Lu localement, par morceaux, quelle que soit sa taille.',
  'settings.title': 'Schéma et options de lecture',
  'read.legend': 'Lecture du fichier',
  'detected.delimiter': 'séparateur',
  'detected.quoteChar': 'guillemet',
  'detected.header': 'en-tête',
  'detected.decimalChar': 'décimale',
  'minimise.invalid': 'Le fichier n’est pas valide : comme « watt minimise », la page ne propose pas le fichier minimisé. Corrigez les constats, ou acceptez explicitement un fichier minimisé à partir de données non valides.',
  'minimise.allowInvalid': 'Proposer quand même le fichier minimisé (comme --allow-invalid)',
  'schema.legend': 'Schéma',
  'schema.default': 'Relevés de consommation électrique (schéma fourni)',
  'schema.custom': 'Mon schéma (Table Schema, JSON)',
  'schema.choose': 'Fichier de schéma',
  'schema.loaded': 'Schéma « {name} » chargé.',
  'schema.invalid': 'Schéma refusé',
  'encoding.label': 'Encodage',
  'delimiter.label': 'Séparateur',
  'delimiter.auto': 'Détecté',
  'delimiter.tab': 'Tabulation',
  'maxFindings.label': 'Constats listés (tous sont comptés)',
  'progress.check': 'Vérification de {name}',
  'progress.scan': 'Recherche de données personnelles dans {name}',
  'progress.minimise': 'Minimisation de {name}',
  'progress.stats': '{done} sur {total} · {speed}/s · reste {eta}',
  'progress.statsDone': '{done} sur {total}',
  'progress.cancel': 'Annuler',
  'progress.cancelled': 'Traitement annulé.',
  'report.title': 'Rapport',
  'verdict.valid': 'Fichier valide',
  'verdict.invalid': 'Fichier non valide',
  'verdict.validDetail': '{rows} lignes de données conformes au schéma « {schema} ».',
  'verdict.invalidDetail': '{total} constat(s) sur {rows} lignes de données (schéma « {schema} »).',
  'summary.file': 'Fichier',
  'summary.size': 'Taille',
  'summary.rows': 'Lignes de données',
  'summary.columns': 'Colonnes',
  'summary.dialect': 'Dialecte',
  'summary.encoding': 'Encodage',
  'summary.time': 'Durée',
  'dialect.text': 'séparateur {delimiter} · guillemet {quote} · décimale {decimal} · fin de ligne {eol} · en-tête {header}',
  'dialect.detected': 'détecté : {list}',
  'dialect.given': 'tout indiqué',
  'encoding.bom': 'avec BOM',
  'encoding.probable': 'Des octets ne sont pas valides en {name} : le fichier semble être en {probable}.',
  'encoding.reread': 'Relire en {probable}',
  'yes': 'oui',
  'no': 'non',
  'counts.title': 'Constats par code',
  'counts.code': 'Code',
  'counts.meaning': 'Signification',
  'counts.count': 'Nombre',
  'counts.none': 'Aucun constat.',
  'findings.title': 'Constats',
  'findings.row': 'Ligne',
  'findings.field': 'Champ',
  'findings.code': 'Code',
  'findings.message': 'Message',
  'findings.masked': 'Les valeurs des cellules ne sont jamais affichées : les messages disent ce qui ne va pas, pas ce que contient la cellule.',
  'findings.truncated': 'Seuls les {kept} premiers constats sur {total} sont listés (tous sont comptés ci-dessus).',
  'findings.range': '{from}–{to} sur {total}',
  'findings.prev': 'Page précédente',
  'findings.next': 'Page suivante',
  'findings.page': 'Page {page} sur {pages}',
  'findings.column': 'colonne {n}',
  'notes.title': 'Remarques',
  'download.report': 'Télécharger le rapport (JSON)',
  'privacy.title': 'Données personnelles',
  'privacy.running': 'Analyse en cours…',
  'privacy.none': 'Aucune donnée personnelle trouvée dans les colonnes non déclarées ou déclarées non personnelles.',
  'privacy.found': 'Données personnelles trouvées là où le schéma n’en déclare pas :',
  'scan.column': 'Colonne',
  'scan.declared': 'Catégorie déclarée',
  'scan.scanned': 'Cellules examinées',
  'scan.withPii': 'Cellules concernées',
  'scan.kinds': 'Trouvé',
  'scan.undeclared': 'non déclarée',
  'kanon.title': 'k-anonymat du fichier minimisé',
  'kanon.pass': 'k = {k} : chaque groupe compte au moins {threshold} {unit} (seuil atteint).',
  'kanon.fail': 'k = {k} : {below} groupe(s) sur {groups} comptent moins de {threshold} {unit} (seuil non atteint).',
  'kanon.qi': 'Quasi-identifiants : {list}.',
  'kanon.unitSubjects': 'personnes distinctes ({field})',
  'kanon.unitRows': 'lignes',
  'plan.title': 'Ce que la minimisation fait à chaque colonne',
  'plan.previewNote': 'Aperçu sans clé : les pseudonymes seront calculés avec votre clé.',
  'plan.field': 'Champ',
  'plan.category': 'Catégorie',
  'plan.action': 'Action',
  'plan.changed': 'Cellules modifiées',
  'plan.suppressed': 'Cellules vidées',
  'plan.pii': 'Données personnelles trouvées',
  'plan.rowIds': 'Identifiants de la ligne masqués',
  'warnings.title': 'Avertissements',
  'minimise.title': 'Minimiser et télécharger',
  'minimise.keyLabel': 'Clé de pseudonymisation',
  'minimise.keyHint':
    'Au moins 32 caractères. Elle ne sert qu’au calcul dans cet onglet : elle n’est ni enregistrée ni envoyée. La même clé donne les mêmes pseudonymes que « watt minimise ».',
  'minimise.showKey': 'Afficher la clé',
  'minimise.run': 'Minimiser le fichier',
  'minimise.done': 'Fichier minimisé : {rows} lignes, {columns} colonnes, {size}.',
  'minimise.keyId': 'Empreinte de la clé : {id}',
  'minimise.download': 'Télécharger le CSV minimisé',
  'minimise.downloadReport': 'Télécharger le rapport de minimisation (JSON)',
  'error.title': 'Erreur',
  'error.schema-error': 'Le schéma est refusé.',
  'error.options-error': 'Les options de lecture sont refusées.',
  'error.undecided': 'Pour minimiser, chaque champ du schéma doit déclarer une politique gdpr.',
  'error.key-required': 'Ce schéma pseudonymise des champs : saisissez une clé.',
  'error.key-too-short': 'La clé est trop courte : 32 caractères au moins.',
  'error.key-weak': 'La clé est trop faible : elle doit utiliser au moins 8 caractères différents.',
  'error.no-file': 'Aucun fichier n’a été déposé.',
  'error.internal-error': 'Erreur interne du moteur.',
  'error.init-error': 'Le moteur WebAssembly n’a pas pu démarrer.',
  'error.read-error': 'Le fichier n’a pas pu être lu.',
  'footer.text':
    'watt {version} · moteur WebAssembly exécuté dans cet onglet · fonctionne hors ligne une fois chargé · la politique de sécurité du contenu interdit toute connexion hors de ce site.',
  'category.direct-identifier': 'identifiant direct',
  'category.quasi-identifier': 'quasi-identifiant',
  'category.sensitive': 'sensible',
  'category.personal': 'personnelle',
  'category.free-text': 'texte libre',
  'category.non-personal': 'non personnelle',
  'pii.email': 'courriel',
  'pii.phone': 'téléphone',
  'pii.nir': 'NIR',
  'pii.iban': 'IBAN',
  'pii.siret': 'SIRET',
  'pii.siren': 'SIREN',
  'pii.card': 'carte bancaire',
  'pii.prm': 'PRM',
  'pii.ipv4': 'adresse IPv4',
  'pii.name': 'nom',
  'code.blank-label': 'En-tête vide',
  'code.duplicate-label': 'En-tête en double',
  'code.missing-label': 'Colonne manquante',
  'code.extra-label': 'Colonne en trop',
  'code.incorrect-label': 'En-tête différent du schéma',
  'code.blank-row': 'Ligne vide',
  'code.extra-cell': 'Cellule en trop',
  'code.missing-cell': 'Cellule manquante',
  'code.type-error': 'Valeur du mauvais type',
  'code.constraint-error': 'Contrainte non respectée',
  'code.unique-error': 'Valeur répétée (unique)',
  'code.primary-key': 'Clé primaire répétée',
  'code.foreign-key': 'Clé étrangère sans correspondance',
  'code.encoding-error': 'Octets invalides pour l’encodage',
  'code.source-error': 'Fichier illisible comme CSV',
  'unit.B': 'o',
  'unit.kB': 'ko',
  'unit.MB': 'Mo',
  'unit.GB': 'Go',
};

const en = {
  'page.title': 'watt — smart-meter export pre-check',
  'header.title': 'Smart-meter export pre-check',
  'header.tagline':
    'Check and minimise a smart-meter export before you share it. The file is processed in your browser: not a single byte is sent.',
  'lang.label': 'Language',
  'drop.title': 'Drop a CSV file here',
  'drop.or': 'or',
  'drop.choose': 'choose a file',
  'drop.aria': 'Drop zone: drop a CSV file or press Enter to choose one',
  'drop.hint': 'Read locally, in chunks, whatever its size.',
  'settings.title': 'Schema and reading options',
  'read.legend': 'Reading the file',
  'detected.delimiter': 'delimiter',
  'detected.quoteChar': 'quote',
  'detected.header': 'header',
  'detected.decimalChar': 'decimal',
  'minimise.invalid': 'The file is not valid: like “watt minimise”, the page does not offer the minimised file. Fix the findings, or explicitly accept a file minimised from invalid data.',
  'minimise.allowInvalid': 'Offer the minimised file anyway (like --allow-invalid)',
  'schema.legend': 'Schema',
  'schema.default': 'Electricity consumption readings (bundled schema)',
  'schema.custom': 'My schema (Table Schema, JSON)',
  'schema.choose': 'Schema file',
  'schema.loaded': 'Schema “{name}” loaded.',
  'schema.invalid': 'Schema rejected',
  'encoding.label': 'Encoding',
  'delimiter.label': 'Delimiter',
  'delimiter.auto': 'Detected',
  'delimiter.tab': 'Tab',
  'maxFindings.label': 'Findings listed (all are counted)',
  'progress.check': 'Checking {name}',
  'progress.scan': 'Looking for personal data in {name}',
  'progress.minimise': 'Minimising {name}',
  'progress.stats': '{done} of {total} · {speed}/s · {eta} left',
  'progress.statsDone': '{done} of {total}',
  'progress.cancel': 'Cancel',
  'progress.cancelled': 'Cancelled.',
  'report.title': 'Report',
  'verdict.valid': 'Valid file',
  'verdict.invalid': 'Invalid file',
  'verdict.validDetail': '{rows} data rows conform to the schema “{schema}”.',
  'verdict.invalidDetail': '{total} finding(s) in {rows} data rows (schema “{schema}”).',
  'summary.file': 'File',
  'summary.size': 'Size',
  'summary.rows': 'Data rows',
  'summary.columns': 'Columns',
  'summary.dialect': 'Dialect',
  'summary.encoding': 'Encoding',
  'summary.time': 'Time',
  'dialect.text': 'delimiter {delimiter} · quote {quote} · decimal {decimal} · line end {eol} · header {header}',
  'dialect.detected': 'detected: {list}',
  'dialect.given': 'all given',
  'encoding.bom': 'with BOM',
  'encoding.probable': 'Some bytes are not valid {name}: the file looks like {probable}.',
  'encoding.reread': 'Read again as {probable}',
  'yes': 'yes',
  'no': 'no',
  'counts.title': 'Findings by code',
  'counts.code': 'Code',
  'counts.meaning': 'Meaning',
  'counts.count': 'Count',
  'counts.none': 'No findings.',
  'findings.title': 'Findings',
  'findings.row': 'Row',
  'findings.field': 'Field',
  'findings.code': 'Code',
  'findings.message': 'Message',
  'findings.masked': 'Cell values are never shown: messages say what is wrong, not what the cell holds.',
  'findings.truncated': 'Only the first {kept} of {total} findings are listed (all are counted above).',
  'findings.range': '{from}–{to} of {total}',
  'findings.prev': 'Previous page',
  'findings.next': 'Next page',
  'findings.page': 'Page {page} of {pages}',
  'findings.column': 'column {n}',
  'notes.title': 'Notes',
  'download.report': 'Download the report (JSON)',
  'privacy.title': 'Personal data',
  'privacy.running': 'Analysing…',
  'privacy.none': 'No personal data found in undeclared columns or columns declared non-personal.',
  'privacy.found': 'Personal data found where the schema declares none:',
  'scan.column': 'Column',
  'scan.declared': 'Declared category',
  'scan.scanned': 'Cells scanned',
  'scan.withPii': 'Cells affected',
  'scan.kinds': 'Found',
  'scan.undeclared': 'undeclared',
  'kanon.title': 'k-anonymity of the minimised file',
  'kanon.pass': 'k = {k}: every group holds at least {threshold} {unit} (threshold met).',
  'kanon.fail': 'k = {k}: {below} of {groups} group(s) hold fewer than {threshold} {unit} (threshold not met).',
  'kanon.qi': 'Quasi-identifiers: {list}.',
  'kanon.unitSubjects': 'distinct people ({field})',
  'kanon.unitRows': 'rows',
  'plan.title': 'What minimisation does to each column',
  'plan.previewNote': 'Preview without a key: pseudonyms will be computed with your key.',
  'plan.field': 'Field',
  'plan.category': 'Category',
  'plan.action': 'Action',
  'plan.changed': 'Cells changed',
  'plan.suppressed': 'Cells emptied',
  'plan.pii': 'Personal data found',
  'plan.rowIds': 'Row identifiers redacted',
  'warnings.title': 'Warnings',
  'minimise.title': 'Minimise and download',
  'minimise.keyLabel': 'Pseudonymisation key',
  'minimise.keyHint':
    'At least 32 characters. It is only used for the computation in this tab: never stored, never sent. The same key gives the same pseudonyms as “watt minimise”.',
  'minimise.showKey': 'Show the key',
  'minimise.run': 'Minimise the file',
  'minimise.done': 'Minimised file: {rows} rows, {columns} columns, {size}.',
  'minimise.keyId': 'Key fingerprint: {id}',
  'minimise.download': 'Download the minimised CSV',
  'minimise.downloadReport': 'Download the minimisation report (JSON)',
  'error.title': 'Error',
  'error.schema-error': 'The schema is rejected.',
  'error.options-error': 'The reading options are rejected.',
  'error.undecided': 'To minimise, every field of the schema must declare a gdpr policy.',
  'error.key-required': 'This schema pseudonymises fields: enter a key.',
  'error.key-too-short': 'The key is too short: at least 32 characters.',
  'error.key-weak': 'The key is too weak: it must use at least 8 different characters.',
  'error.no-file': 'No file was dropped.',
  'error.internal-error': 'Internal engine error.',
  'error.init-error': 'The WebAssembly engine could not start.',
  'error.read-error': 'The file could not be read.',
  'footer.text':
    'watt {version} · WebAssembly engine running in this tab · works offline once loaded · the Content Security Policy forbids any connection outside this site.',
  'category.direct-identifier': 'direct identifier',
  'category.quasi-identifier': 'quasi-identifier',
  'category.sensitive': 'sensitive',
  'category.personal': 'personal',
  'category.free-text': 'free text',
  'category.non-personal': 'non-personal',
  'pii.email': 'email',
  'pii.phone': 'phone',
  'pii.nir': 'NIR',
  'pii.iban': 'IBAN',
  'pii.siret': 'SIRET',
  'pii.siren': 'SIREN',
  'pii.card': 'card number',
  'pii.prm': 'PRM',
  'pii.ipv4': 'IPv4 address',
  'pii.name': 'name',
  'code.blank-label': 'Blank header cell',
  'code.duplicate-label': 'Duplicate header',
  'code.missing-label': 'Missing column',
  'code.extra-label': 'Extra column',
  'code.incorrect-label': 'Header differs from the schema',
  'code.blank-row': 'Blank row',
  'code.extra-cell': 'Extra cell',
  'code.missing-cell': 'Missing cell',
  'code.type-error': 'Value of the wrong type',
  'code.constraint-error': 'Constraint broken',
  'code.unique-error': 'Repeated value (unique)',
  'code.primary-key': 'Repeated primary key',
  'code.foreign-key': 'Foreign key without a match',
  'code.encoding-error': 'Bytes invalid in the encoding',
  'code.source-error': 'File unreadable as CSV',
  'unit.B': 'B',
  'unit.kB': 'kB',
  'unit.MB': 'MB',
  'unit.GB': 'GB',
};

export const messages = { fr, en };

let lang = 'en';

/** French when the browser says French, English otherwise. */
export function defaultLanguage(languages = navigator.languages || [navigator.language]) {
  const first = (languages[0] || '').toLowerCase();
  return first.startsWith('fr') ? 'fr' : 'en';
}

export function language() {
  return lang;
}

export function setLanguage(next) {
  lang = next in messages ? next : 'en';
  document.documentElement.lang = lang;
  document.title = t('page.title');
  for (const el of document.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of document.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr, t(key));
    }
  }
}

/** The message `key` in the current language, `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  const text = messages[lang][key] ?? messages.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Whether a message exists (error codes from the engine may be new). */
export function has(key) {
  return key in messages[lang];
}

export function formatNumber(n) {
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(n);
}

/** Bytes in decimal units (1 MB = 10⁶ bytes, as the throughput figures). */
export function formatBytes(n) {
  const units = ['B', 'kB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i === 0 ? 0 : v < 10 ? 2 : v < 100 ? 1 : 0;
  const number = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(v);
  return `${number} ${t('unit.' + units[i])}`;
}

export function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return '…';
  if (seconds < 1) return `${Math.max(0, seconds).toFixed(1).replace('.', lang === 'fr' ? ',' : '.')} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return `${m} min ${String(s).padStart(2, '0')} s`;
}
