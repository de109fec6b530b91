//! Tests of the minimiser as a whole, on the energy schema: output bytes, chunking
//! independence, keys, planted personal values, k-anonymity, refusals.

use proptest::prelude::*;

use super::*;
use crate::pii::PiiKind;
use crate::report::ErrorCode;

const KEY: &[u8] = b"test key for watt minimisation, not a real secret 42";
const OTHER_KEY: &[u8] = b"another test key, also long enough to be accepted!!";

fn energy() -> Schema {
    Schema::from_json(include_str!(
        "../../../data/schemas/energy_consumption.schema.json"
    ))
    .expect("energy schema")
}

fn nir(body: &str) -> String {
    let n: u64 = body
        .replace("2A", "19")
        .replace("2B", "18")
        .parse()
        .expect("digits");
    format!("{body}{:02}", 97 - n % 97)
}

/// Rows with personal data planted in every column, and in the comments.
fn planted() -> String {
    let nir = nir("2840775123456");
    format!(
        "prm,customer_id,full_name,email,phone,address,postcode,city,timestamp,kwh,contract_type,comment\n\
         12345678901234,C0000001,Sophie Martin,sophie.martin@example.com,06 12 34 56 78,12 rue des Lilas,75011,Paris,2024-01-15T00:30:00+01:00,0.512,BASE,\"Mme Martin joignable au 06 98 76 54 32, NIR {nir}\"\n\
         12345678901234,C0000001,Sophie Martin,sophie.martin@example.com,06 12 34 56 78,12 rue des Lilas,75011,Paris,2024-01-15T01:00:00+01:00,0.488,BASE,RIB FR76 3000 6000 0112 3456 7890 189\n\
         98765432109876,C0000002,Karim Benali,k.benali@example.org,+33 7 11 22 33 44,3 avenue Foch,69003,Lyon,2024-01-15T00:30:00+01:00,1.25,HPHC,\"PDL 98765432109876, écrire à karim.b@example.net\"\n\
         55555555555555,C0000003,Élodie Le Gall,elodie@example.com,0699887766,1 place Nette,13001,Marseille,2024-01-15T00:00:00+01:00,0.9,TEMPO,RAS\n"
    )
}

fn minimise_chunked(schema: &Schema, data: &[u8], key: &[u8], cuts: &[usize]) -> (Vec<u8>, Report) {
    let key = PseudonymKey::new(key).expect("key");
    let mut m = Minimiser::new(schema, Options::default(), Some(key)).expect("minimiser");
    let mut out = Vec::new();
    let mut last = 0;
    for &cut in cuts {
        let cut = cut.clamp(last, data.len());
        out.extend_from_slice(m.push(&data[last..cut]));
        last = cut;
    }
    out.extend_from_slice(m.push(&data[last..]));
    let done = m.finish();
    out.extend(done.tail);
    (out, done.report)
}

fn minimise(data: &str) -> (String, Report) {
    let (out, report) = minimise_chunked(&energy(), data.as_bytes(), KEY, &[]);
    (String::from_utf8(out).expect("utf-8 output"), report)
}

#[test]
fn output_has_the_kept_fields_and_minimised_values() {
    let (out, report) = minimise(&planted());
    assert!(report.valid, "{:?}", report.findings);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "prm,customer_id,postcode,timestamp,kwh,contract_type,comment"
    );
    assert_eq!(lines.len(), 5);
    let first: Vec<&str> = lines[1].splitn(7, ',').collect();
    assert_eq!(first[0].len(), 32, "128-bit hex pseudonym");
    assert!(first[0].bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(first[2], "75");
    assert_eq!(first[3], "2024-01-15T00:00:00+01:00");
    assert_eq!(first[4], "0.512");
    assert_eq!(first[5], "BASE");
    assert_eq!(first[6], "\"Mme [NAME] joignable au [PHONE], NIR [NIR]\"");
    assert!(lines[2].ends_with(",RIB [IBAN]"));
    assert!(
        lines[3].ends_with(",\"PDL [PRM], écrire à [EMAIL]\""),
        "{}",
        lines[3]
    );
    // The same meter has the same pseudonym on every row; another meter another one.
    let prm = |l: &str| l.split(',').next().map(str::to_owned);
    assert_eq!(prm(lines[1]), prm(lines[2]));
    assert_ne!(prm(lines[1]), prm(lines[3]));

    let m = report.minimisation.expect("minimisation report");
    assert_eq!(m.rows_out, 4);
    assert_eq!(m.columns_out.len(), 7);
    let comment = m
        .fields
        .iter()
        .find(|f| f.name == "comment")
        .expect("comment");
    assert_eq!(comment.pii_found.get(&PiiKind::Phone), Some(&1));
    assert_eq!(comment.pii_found.get(&PiiKind::Nir), Some(&1));
    assert_eq!(comment.pii_found.get(&PiiKind::Iban), Some(&1));
    assert_eq!(comment.pii_found.get(&PiiKind::Email), Some(&1));
    assert_eq!(comment.pii_found.get(&PiiKind::Prm), Some(&1));
    assert_eq!(comment.cells_changed, 3);
    let name = m
        .fields
        .iter()
        .find(|f| f.name == "full_name")
        .expect("name");
    assert_eq!((name.action.as_str(), name.cells_changed), ("drop", 4));
    assert!(m.key_id.is_some());
}

#[test]
fn no_planted_value_survives() {
    let data = planted();
    let (out, report) = minimise(&data);
    let nir = nir("2840775123456");
    for planted in [
        "Sophie",
        "Martin",
        "sophie.martin@example.com",
        "06 12 34 56 78",
        "06 98 76 54 32",
        "Lilas",
        "Paris",
        "12345678901234",
        "98765432109876",
        "C0000001",
        "Karim",
        "Benali",
        "k.benali",
        "karim.b@example.net",
        "+33 7 11 22 33 44",
        "Foch",
        "Lyon",
        "Élodie",
        "Gall",
        "0699887766",
        "FR76 3000",
        "7890 189",
        &nir,
        "75011",
        "69003",
        "00:30:00",
    ] {
        assert!(!out.contains(planted), "{planted:?} survived in\n{out}");
    }
    let json = serde_json::to_string(&report).expect("json");
    for planted in [
        "Sophie",
        "Martin",
        "12345678901234",
        "example.com",
        &nir,
        "FR76",
    ] {
        assert!(!json.contains(planted), "{planted:?} in the report");
    }
}

#[test]
fn same_key_same_output_other_key_other_pseudonyms() {
    let data = planted();
    let (a, _) = minimise_chunked(&energy(), data.as_bytes(), KEY, &[]);
    let (b, _) = minimise_chunked(&energy(), data.as_bytes(), KEY, &[]);
    assert_eq!(a, b, "two runs, one key: identical bytes");
    let (c, _) = minimise_chunked(&energy(), data.as_bytes(), OTHER_KEY, &[]);
    let first_cell = |out: &[u8]| {
        String::from_utf8_lossy(out)
            .lines()
            .nth(1)
            .and_then(|l| l.split(',').next().map(str::to_owned))
    };
    assert_ne!(first_cell(&a), first_cell(&c));
    // Only pseudonyms differ between keys.
    let without_ids = |out: &[u8]| {
        String::from_utf8_lossy(out)
            .lines()
            .map(|l| l.splitn(3, ',').nth(2).unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(without_ids(&a), without_ids(&c));
}

#[test]
fn pseudonym_of_finds_a_persons_rows() {
    let key = PseudonymKey::new(KEY).expect("key");
    let (out, _) = minimise(&planted());
    let p = pseudonym_of(&energy(), "prm", "1234 5678 9012 34", &key).expect("pseudonym");
    assert_eq!(out.lines().filter(|l| l.starts_with(&p)).count(), 2);
    assert_eq!(
        pseudonym_of(&energy(), "kwh", "1", &key),
        Err(MinimiseError::NotPseudonymised("kwh".into()))
    );
    assert_eq!(
        pseudonym_of(&energy(), "nope", "1", &key),
        Err(MinimiseError::UnknownField("nope".into()))
    );
}

#[test]
fn refuses_without_a_key_or_a_policy() {
    let err = Minimiser::new(&energy(), Options::default(), None).expect_err("no key");
    assert_eq!(
        err,
        MinimiseError::KeyRequired {
            fields: vec!["prm".into(), "customer_id".into()]
        }
    );
    assert_eq!(
        err.to_string(),
        "a pseudonymisation key is required for field(s) prm, customer_id; watt has no built-in key"
    );
    let schema = Schema::from_json(r#"{"fields": [{"name": "a", "gdpr": {"category": "personal", "action": "keep"}}, {"name": "b"}]}"#)
        .expect("schema");
    let err = Minimiser::new(&schema, Options::default(), None).expect_err("undecided");
    assert_eq!(
        err,
        MinimiseError::Undecided {
            fields: vec!["b".into()]
        }
    );
}

#[test]
fn invalid_values_are_suppressed_not_passed_through() {
    let data = planted().replace("2024-01-15T00:00:00+01:00", "le 15 janvier vers minuit");
    let (out, report) = minimise(&data);
    assert!(!report.valid);
    assert_eq!(report.error_counts[&ErrorCode::TypeError], 1);
    assert!(!out.contains("minuit"));
    let m = report.minimisation.expect("report");
    let ts = m
        .fields
        .iter()
        .find(|f| f.name == "timestamp")
        .expect("timestamp");
    assert_eq!(ts.cells_suppressed, 1);
    assert!(
        m.warnings
            .iter()
            .any(|w| w.starts_with("field timestamp: 1 value(s) emptied: not valid for the field"))
    );
}

/// A `keep` column's value that is not valid for its field is emptied and counted, not
/// written as it is: an email in `kwh` (not a number), a name in `contract_type` (not in
/// its `enum`). Both came out verbatim when invalid data was written.
#[test]
fn kept_values_not_valid_for_their_field_are_emptied() {
    let data = planted()
        .replacen(",0.512,", ",jeanne.martin@example.com,", 1)
        .replacen(",HPHC,", ",Karim Benali,", 1);
    let (out, report) = minimise(&data);
    assert!(!report.valid);
    assert_eq!(report.error_counts[&ErrorCode::TypeError], 1);
    assert_eq!(report.error_counts[&ErrorCode::ConstraintError], 1);
    assert!(!out.contains("jeanne.martin"), "{out}");
    assert!(!out.contains("Karim"), "{out}");
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split(',').collect()).collect();
    let column = |name: &str| rows[0].iter().position(|c| *c == name).expect(name);
    let (kwh, contract) = (column("kwh"), column("contract_type"));
    assert_eq!(rows[1][kwh], "", "emptied");
    assert_eq!(rows[2][kwh], "0.488", "a valid value is kept");
    assert_eq!(rows[3][contract], "", "emptied");
    assert_eq!(rows[4][contract], "TEMPO");
    let m = report.minimisation.expect("report");
    let field = |name: &str| m.fields.iter().find(|f| f.name == name).expect(name);
    assert_eq!(field("kwh").cells_suppressed, 1);
    assert_eq!(field("contract_type").cells_suppressed, 1);
    assert_eq!(field("kwh").cells_changed, 1);
    for name in ["kwh", "contract_type"] {
        let says = format!("field {name}: 1 value(s) emptied: not valid for the field");
        assert!(
            m.warnings.iter().any(|w| w.starts_with(&says)),
            "{:?}",
            m.warnings
        );
    }
    // A value of the field's type that breaks a constraint is still generalised (a
    // postcode one digit short keeps its département).
    let (out, report) = minimise(&planted().replacen(",75011,", ",7501,", 1));
    assert_eq!(report.error_counts[&ErrorCode::ConstraintError], 1);
    assert!(
        out.lines().nth(1).is_some_and(|l| l.contains(",75,")),
        "{out}"
    );
}

#[test]
fn french_excel_numbers_are_written_canonically() {
    let data = planted()
        .replace(',', ";")
        .replace("0.512", "0,512")
        .replace("0.488", "0,488")
        .replace("1.25", "1,25")
        .replace("0.9", "0,9");
    let (out, report) = minimise(&data);
    assert_eq!(report.dialect.decimal_char, ',');
    assert!(report.valid, "{:?}", report.findings);
    assert!(
        out.lines().nth(1).is_some_and(|l| l.contains(",0.512,")),
        "{out}"
    );
}

#[test]
fn k_anonymity_counts_customers_per_group() {
    let (_, report) = minimise(&planted());
    let k = report.minimisation.and_then(|m| m.k_anonymity).expect("k");
    assert_eq!(k.quasi_identifiers, ["postcode", "timestamp"]);
    assert_eq!(k.subject_field.as_deref(), Some("customer_id"));
    // (75, 00h), (75, 01h), (69, 00h), (13, 00h): one customer each.
    assert_eq!((k.k, k.groups, k.passes), (1, 4, false));
}

#[test]
fn kept_fields_holding_personal_data_are_warned_about() {
    let data = planted().replace(",BASE,", ",jean@example.fr,");
    let (_, report) = minimise(&data);
    let m = report.minimisation.expect("report");
    assert!(
        m.warnings.iter().any(|w| w == "field contract_type is kept as is but holds personal data (2 email): declare it and choose an action"),
        "{:?}",
        m.warnings
    );
}

#[test]
fn scan_finds_undeclared_personal_data() {
    let schema = Schema::from_json(
        r#"{"fields": [
            {"name": "id", "type": "integer"},
            {"name": "tariff", "gdpr": {"category": "non-personal", "action": "keep"}},
            {"name": "note", "gdpr": {"category": "free-text", "action": "redact"}}]}"#,
    )
    .expect("schema");
    let mut s = crate::scan::Scanner::new(&schema, Options::default());
    s.push(b"id,tariff,note,extra\n1,BASE,ok 06 12 34 56 78,x@example.fr\n2,jean@example.fr,ok,\n");
    let report = s.finish();
    let scan = report.scan.clone().expect("scan");
    assert!(scan.personal_data_found);
    let by_name = |n: &str| scan.fields.iter().find(|f| f.name == n).expect(n);
    assert_eq!(by_name("id").cells_with_pii, 0);
    assert_eq!(by_name("id").declared, None);
    assert_eq!(by_name("tariff").pii.get(&PiiKind::Email), Some(&1));
    assert!(
        scan.fields.iter().all(|f| f.name != "note"),
        "declared free text is not scanned"
    );
    assert_eq!(by_name("column 4").pii.get(&PiiKind::Email), Some(&1));
    assert!(
        !serde_json::to_string(&report)
            .expect("json")
            .contains("jean@")
    );
}

#[test]
fn a_lone_empty_output_cell_keeps_its_row() {
    let schema = Schema::from_json(
        r#"{"fields": [{"name": "a", "gdpr": {"category": "personal", "action": "keep"}},
                       {"name": "b", "gdpr": {"category": "personal", "action": "drop"}}]}"#,
    )
    .expect("schema");
    let mut m = Minimiser::new(&schema, Options::default(), None).expect("no key needed");
    let mut out = m.push(b"a,b\n,x\n1,y\n").to_vec();
    out.extend(m.finish().tail);
    assert_eq!(String::from_utf8(out).expect("utf-8"), "a\n\"\"\n1\n");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Output bytes and report do not depend on how the input is cut.
    #[test]
    fn output_does_not_depend_on_chunking(cuts in proptest::collection::vec(0usize..1400, 0..16)) {
        let data = planted();
        let mut cuts = cuts;
        cuts.sort_unstable();
        let whole = minimise_chunked(&energy(), data.as_bytes(), KEY, &[]);
        let chunked = minimise_chunked(&energy(), data.as_bytes(), KEY, &cuts);
        prop_assert_eq!(whole.0, chunked.0);
        prop_assert_eq!(whole.1, chunked.1);
    }
}

#[test]
fn spilling_changes_neither_output_nor_report() {
    use crate::pairs::{MemorySpill, Spill, SpillConfig};
    use std::sync::{Arc, Mutex};
    // The sample file, with its rows repeated (every repeat a primary-key error) so the
    // key set and the k-anonymity pairs outgrow a small budget.
    let sample = include_str!("../../../data/samples/sample_energy_consumption.csv");
    let (header, rows) = sample.split_once('\n').expect("header");
    let mut data = format!("{header}\n");
    for _ in 0..20 {
        data.push_str(rows);
    }
    let (plain_out, plain) = minimise_chunked(&energy(), data.as_bytes(), KEY, &[777]);
    assert_eq!(plain.error_counts[&ErrorCode::PrimaryKey], 19 * 320);
    let k = plain
        .minimisation
        .as_ref()
        .and_then(|m| m.k_anonymity.clone());
    assert!(k.is_some_and(|k| k.groups > 10));

    let spill = Arc::new(Mutex::new(MemorySpill::default()));
    let config = SpillConfig {
        spill: spill.clone(),
        budget_bytes: 4096 * 16,
    };
    let key = PseudonymKey::new(KEY).expect("key");
    let mut m = Minimiser::new(&energy(), Options::default(), Some(key))
        .expect("minimiser")
        .with_spill(config);
    let mut out = Vec::new();
    for chunk in data.as_bytes().chunks(10_000) {
        out.extend_from_slice(m.push(chunk));
    }
    let done = m.finish();
    out.extend(done.tail);
    assert_eq!(out, plain_out);
    assert_eq!(done.report, plain);
    let mut probe = [0u8; 1];
    assert!(
        spill.lock().unwrap().read_at(100_000, &mut probe).is_ok(),
        "the runs went to the spill"
    );
}

#[test]
fn a_memoised_search_counts_what_a_plain_search_counts() {
    // An enum value holding an email, valid values, an invalid one, and more distinct texts
    // than the memo keeps.
    let mut texts = vec![
        "BASE",
        "ops@example.fr",
        "HPHC",
        "BASE",
        "x 0612345678",
        "BASE",
    ];
    let many: Vec<String> = (0..2 * SearchMemo::VALUES)
        .map(|i| format!("v{i} 06 12 34 56 {:02}", i % 100))
        .collect();
    texts.extend(many.iter().map(String::as_str));
    texts.extend(["ops@example.fr", "x 0612345678", "HPHC"]);
    let (mut plain, mut memoised) = (FieldStats::default(), FieldStats::default());
    let (mut found, mut memo) = (Vec::new(), SearchMemo::default());
    for text in &texts {
        search(&mut plain, text, &mut found);
        memo.search(&mut memoised, text, &mut found);
    }
    assert_eq!(plain.scanned, texts.len() as u64);
    assert!(plain.cells_with_pii > 2 * SearchMemo::VALUES as u64);
    assert_eq!(
        (memoised.scanned, memoised.cells_with_pii, memoised.pii),
        (plain.scanned, plain.cells_with_pii, plain.pii)
    );
    assert_eq!(memo.seen.len(), SearchMemo::VALUES);
}

/// Minimises with the minimiser cut in two stages, run one after the other per chunk (what
/// the command line does on threads), the batches dealt in turn to `backs` backs whose
/// outputs are put back in order.
fn minimise_split(schema: &Schema, data: &[u8], cuts: &[usize], backs: usize) -> (Vec<u8>, Report) {
    minimise_split_with(schema, data, cuts, backs, None).0
}

/// [`minimise_split`] with batches of at most `batch_cells` cells when given; also returns
/// the largest batch (in cells) and the largest output of one batch.
fn minimise_split_with(
    schema: &Schema,
    data: &[u8],
    cuts: &[usize],
    backs: usize,
    batch_cells: Option<usize>,
) -> ((Vec<u8>, Report), usize, usize) {
    let minimiser = || {
        let key = PseudonymKey::new(KEY).expect("key");
        Minimiser::new(schema, Options::default(), Some(key)).expect("minimiser")
    };
    let (mut front, first) = minimiser().split();
    if let Some(cells) = batch_cells {
        front.set_batch_cells(cells);
    }
    let fields = schema.fields.len();
    let mut all = vec![first];
    all.extend((1..backs).map(|_| minimiser().split().1));
    let mut out = Vec::new();
    let (mut n, mut largest, mut largest_out) = (0, 0, 0);
    let mut emit = |batch: &mut RowBatch| {
        largest = largest.max(batch.rows() * fields);
        let bytes = all[n % backs].apply(batch);
        largest_out = largest_out.max(bytes.len());
        out.extend_from_slice(bytes);
        n += 1;
    };
    let mut last = 0;
    for &cut in cuts.iter().chain([&data.len()]) {
        let cut = cut.clamp(last, data.len());
        front.push(&data[last..cut], &mut emit);
        last = cut;
    }
    let done = front.finish(&mut emit);
    let mut all = all.into_iter();
    let mut back = all.next().expect("a back");
    for other in all {
        back.merge(other);
    }
    ((out, back.finish(done)), largest, largest_out)
}

/// Files that exercise every path between the stages: the sample, planted personal data,
/// broken rows (ragged, blank, invalid values, bad bytes, duplicate keys), a header alone,
/// nothing at all, a French Excel export, and a file ending inside a quote.
fn split_inputs() -> Vec<Vec<u8>> {
    let sample = include_str!("../../../data/samples/sample_energy_consumption.csv");
    let planted = planted();
    let header = planted.lines().next().expect("header").to_owned();
    let row = planted.lines().nth(1).expect("row").to_owned();
    let broken = format!(
        "{header}\n{row}\n{row}\n,,,,,,,,,,,\n12345678901234,C0000009,X\n\
         1234567890123x,C00000,Y Z,not-an-email,12,a,7501,b,yesterday,-3,CHEAP,ok,extra\n\
         98765432109876,C0000002,Jos\u{e9},a@b.fr,,\"x\"\"y\",69003,Lyon,2024-01-15T02:00:00+01:00,\"1,5\",BASE,\n"
    );
    let mut bad_bytes = planted.clone().into_bytes();
    bad_bytes.extend_from_slice(
        b"55555555555555,C0000003,\xC9lodie,e@x.fr,,,13001,M,2024-01-15T03:00:00+01:00,1,BASE,caf\xE9\n",
    );
    let excel = "\u{feff}prm;customer_id;full_name;email;phone;address;postcode;city;timestamp;kwh;contract_type;comment\r\n\
                 12345678901234;C0000001;A B;a@b.fr;;;75011;Paris;2024-01-15T00:30:00+01:00;0,512;BASE;RAS\r\n\
                 12345678901235;C0000002;C D;c@d.fr;;;75012;Paris;2024-01-15T00:30:00+01:00;1 234,5;HPHC;\r\n";
    vec![
        sample.as_bytes().to_vec(),
        planted.clone().into_bytes(),
        broken.into_bytes(),
        bad_bytes,
        format!("{header}\n").into_bytes(),
        Vec::new(),
        excel.as_bytes().to_vec(),
        format!("{header}\n{row}\n12345678901234,C0000001,\"never closed").into_bytes(),
    ]
}

#[test]
fn the_two_stages_give_the_bytes_and_report_of_the_whole_minimiser() {
    for (n, data) in split_inputs().iter().enumerate() {
        for cuts in [
            vec![],
            vec![1, 2, 3, 700, 701],
            (0..data.len()).step_by(97).collect(),
        ] {
            let whole = minimise_chunked(&energy(), data, KEY, &cuts);
            for backs in [1, 2, 3] {
                let split = minimise_split(&energy(), data, &cuts, backs);
                assert_eq!(
                    String::from_utf8_lossy(&split.0),
                    String::from_utf8_lossy(&whole.0),
                    "input {n}, cuts {cuts:?}, {backs} back(s)"
                );
                assert_eq!(
                    split.1, whole.1,
                    "input {n}, cuts {cuts:?}, {backs} back(s)"
                );
            }
        }
    }
    // The inputs do reach the paths they are there for.
    let reports: Vec<Report> = split_inputs()
        .iter()
        .map(|d| minimise_chunked(&energy(), d, KEY, &[]).1)
        .collect();
    assert!(reports[0].valid);
    for code in [
        ErrorCode::BlankRow,
        ErrorCode::MissingCell,
        ErrorCode::ExtraCell,
        ErrorCode::TypeError,
        ErrorCode::ConstraintError,
        ErrorCode::PrimaryKey,
    ] {
        assert!(reports[2].error_counts.contains_key(&code), "{code:?}");
    }
    assert!(
        reports[3]
            .error_counts
            .contains_key(&ErrorCode::EncodingError)
    );
    assert!(
        reports[7]
            .error_counts
            .contains_key(&ErrorCode::SourceError)
    );
    assert_eq!(reports[6].dialect.delimiter, ';');
}

#[test]
fn backs_sharing_a_file_count_rows_as_one_would() {
    // No subject field: k-anonymity counts rows, by their number in the file.
    let text = include_str!("../../../data/schemas/energy_consumption.schema.json")
        .replace("\"subjectField\": \"customer_id\",", "");
    let schema = Schema::from_json(&text).expect("schema");
    assert!(
        schema
            .gdpr
            .as_ref()
            .is_some_and(|d| d.subject_field.is_none())
    );
    // One group (same département, same hour) of 3 000 rows, read in batches of a few rows
    // once the dialect is known.
    let planted = planted();
    let mut data = format!("{}\n", planted.lines().next().expect("header"));
    for i in 0..3000 {
        data.push_str(&format!(
            "1234567890{i:04},C000{i:04},A B,,,,75011,Paris,2024-01-15T00:30:00+01:00,0.5,BASE,\n"
        ));
    }
    let data = data.as_bytes();
    let cuts: Vec<usize> = (0..data.len()).step_by(3000).collect();
    let whole = minimise_chunked(&schema, data, KEY, &cuts);
    let k = |r: &Report| r.minimisation.as_ref().and_then(|m| m.k_anonymity.clone());
    assert!(k(&whole.1).is_some_and(|k| k.subject_field.is_none() && k.k == 3000));
    for backs in [2, 3] {
        let split = minimise_split(&schema, data, &cuts, backs);
        assert_eq!(split.0, whole.0);
        assert_eq!(k(&split.1), k(&whole.1), "{backs} backs");
        assert_eq!(split.1, whole.1);
    }
    // And with the subject field, counting customers.
    let whole = minimise_chunked(&energy(), data, KEY, &cuts);
    assert!(k(&whole.1).is_some_and(|k| k.subject_field.is_some() && k.k == 3000));
    let split = minimise_split(&energy(), data, &cuts, 2);
    assert_eq!((split.0, split.1), whole);
}

#[test]
fn batches_of_any_bound_give_the_same_bytes_and_report() {
    for (n, data) in split_inputs().iter().enumerate() {
        let cuts: Vec<usize> = (0..data.len()).step_by(211).collect();
        let whole = minimise_chunked(&energy(), data, KEY, &cuts);
        // One row a batch, a few rows, and rows cut across chunks.
        for cells in [1, 12, 13, 40] {
            for backs in [1, 3] {
                let (split, largest, _) =
                    minimise_split_with(&energy(), data, &cuts, backs, Some(cells));
                assert_eq!(
                    String::from_utf8_lossy(&split.0),
                    String::from_utf8_lossy(&whole.0),
                    "input {n}, {cells} cells, {backs} back(s)"
                );
                assert_eq!(
                    split.1, whole.1,
                    "input {n}, {cells} cells, {backs} back(s)"
                );
                assert!(
                    largest <= cells.max(12),
                    "input {n}: {largest} cells in a batch"
                );
            }
        }
    }
}

/// A chunk of one-character rows is hundreds of thousands of rows: its batches, and the
/// output of each, stay bounded (one batch per chunk held 2.4 million cells here, and
/// its output was 7.8 MB for a 400 kB chunk).
#[test]
fn short_invalid_rows_make_bounded_batches() {
    let planted = planted();
    let header = planted.lines().next().expect("header");
    let data = format!("{header}\n{}", "1\n".repeat(200_000)).into_bytes();
    let ((out, report), largest, largest_out) = minimise_split_with(&energy(), &data, &[], 2, None);
    assert_eq!(report.stats.rows, 200_000);
    assert_eq!(report.error_counts[&ErrorCode::MissingCell], 200_000 * 11);
    assert!(out.len() > 7_000_000, "{}", out.len());
    assert!(
        largest <= split::BATCH_CELLS,
        "{largest} cells in one batch"
    );
    assert!(
        largest_out < 256 << 10,
        "{largest_out} bytes out of one batch"
    );
    let whole = minimise_chunked(&energy(), &data, KEY, &[]);
    assert_eq!((out, report), whole);
}
