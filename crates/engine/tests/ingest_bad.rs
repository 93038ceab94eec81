//! The bad-input corpus (tests/data/ingest/bad/): every file must give a
//! specific error (kind and position) or a specific report entry, never a panic.

use engine::ingest::{load, DateStyle, ErrorKind, Expected, IngestError, IngestOptions, InputFile, Loaded, RowOrder};
use engine::Date;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn bad_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/ingest/bad")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(bad_dir().join(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn day(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

/// What a case must produce.
enum Want {
    /// An error of this kind at this file, line and column.
    Err { kind: fn(&ErrorKind) -> bool, file: Option<&'static str>, line: Option<usize>, column: Option<&'static str> },
    /// A successful load passing these checks.
    Ok(fn(&Loaded)),
}

struct Case {
    files: &'static [&'static str],
    opts: fn() -> IngestOptions,
    want: Want,
}

fn defaults() -> IngestOptions {
    IngestOptions::default()
}

fn err(kind: fn(&ErrorKind) -> bool, file: &'static str, line: Option<usize>, column: Option<&'static str>) -> Want {
    Want::Err { kind, file: Some(file), line, column }
}

fn cases() -> Vec<Case> {
    let c = |files: &'static [&'static str], want: Want| Case { files, opts: defaults, want };
    vec![
        c(&["empty.csv"], err(|k| *k == ErrorKind::Empty, "empty.csv", None, None)),
        c(&["blank-lines.csv"], err(|k| *k == ErrorKind::Empty, "blank-lines.csv", None, None)),
        c(&["empty.csv.gz"], err(|k| *k == ErrorKind::Empty, "empty.csv.gz", None, None)),
        c(&["header-only.csv"], err(|k| *k == ErrorKind::HeaderOnly, "header-only.csv", None, None)),
        c(
            &["pipe-delimited.csv"],
            err(
                |k| matches!(k, ErrorKind::TooFewColumns { header } if header == "date|price"),
                "pipe-delimited.csv",
                Some(1),
                None,
            ),
        ),
        c(&["one-column.csv"], err(|k| matches!(k, ErrorKind::TooFewColumns { .. }), "one-column.csv", Some(1), None)),
        c(
            &["text-in-price.csv"],
            err(
                |k| *k == ErrorKind::BadValue { found: "abc".into(), expected: Expected::Number },
                "text-in-price.csv",
                Some(4),
                Some("price"),
            ),
        ),
        c(
            &["bad-thousands.csv"],
            err(
                |k| *k == ErrorKind::DecimalComma { found: "1,23".into() },
                "bad-thousands.csv",
                Some(2),
                Some("price"),
            ),
        ),
        c(
            &["latin1-value.csv"],
            err(
                |k| matches!(k, ErrorKind::BadValue { expected: Expected::Number, found } if found.starts_with('1')),
                "latin1-value.csv",
                Some(3),
                Some("price"),
            ),
        ),
        c(&["latin1-header.csv"], err(|k| *k == ErrorKind::NotText, "latin1-header.csv", Some(1), None)),
        c(&["utf16.csv"], err(|k| *k == ErrorKind::NotText, "utf16.csv", Some(1), None)),
        c(
            &["impossible-date.csv"],
            err(
                |k| *k == ErrorKind::BadValue { found: "2021-02-30".into(), expected: Expected::Date },
                "impossible-date.csv",
                Some(3),
                Some("date"),
            ),
        ),
        c(
            &["date-is-text.csv"],
            err(
                |k| *k == ErrorKind::BadValue { found: "yesterday".into(), expected: Expected::Date },
                "date-is-text.csv",
                Some(2),
                Some("date"),
            ),
        ),
        c(
            &["unknown-header.csv"],
            err(
                |k| matches!(k, ErrorKind::NoDateColumn { header } if header == "foo,bar,baz"),
                "unknown-header.csv",
                Some(1),
                None,
            ),
        ),
        c(
            &["binary-garbage.csv"],
            err(|k| matches!(k, ErrorKind::NoDateColumn { .. }), "binary-garbage.csv", Some(1), None),
        ),
        c(
            &["gzip-of-garbage.csv.gz"],
            err(|k| matches!(k, ErrorKind::NoDateColumn { .. }), "gzip-of-garbage.csv.gz", Some(1), None),
        ),
        c(
            &["no-price-column.csv"],
            err(|k| matches!(k, ErrorKind::NoPriceColumn { .. }), "no-price-column.csv", Some(1), None),
        ),
        c(
            &["duplicate-column.csv"],
            err(
                |k| *k == ErrorKind::DuplicateColumn { name: "Price".into() },
                "duplicate-column.csv",
                Some(1),
                Some("Price"),
            ),
        ),
        c(
            &["ragged-rows.csv"],
            err(|k| *k == ErrorKind::RaggedRow { expected: 4, found: 3 }, "ragged-rows.csv", Some(3), None),
        ),
        c(
            &["unterminated-quote.csv"],
            err(
                |k| matches!(k, ErrorKind::BadValue { expected: Expected::Number, found } if found.starts_with("1.5")),
                "unterminated-quote.csv",
                Some(2),
                Some("price"),
            ),
        ),
        c(
            &["wide-text-cell.csv"],
            err(
                |k| *k == ErrorKind::BadValue { found: "n.a.".into(), expected: Expected::Number },
                "wide-text-cell.csv",
                Some(3),
                Some("ETH"),
            ),
        ),
        c(
            &["truncated.csv.gz"],
            err(
                |k| matches!(k, ErrorKind::BadGzip { reason } if reason.contains("cut short")),
                "truncated.csv.gz",
                None,
                None,
            ),
        ),
        c(
            &["truncated.json"],
            err(|k| matches!(k, ErrorKind::Json { reason } if reason.contains("EOF")), "truncated.json", Some(2), None),
        ),
        c(
            &["json-without-prices.json"],
            err(
                |k| matches!(k, ErrorKind::Json { reason } if reason.contains("prices")),
                "json-without-prices.json",
                Some(1),
                None,
            ),
        ),
        c(&["all-prices-zero.csv"], err(|k| *k == ErrorKind::NoValidPrices, "all-prices-zero.csv", None, None)),
        Case {
            files: &["disjoint-a.csv", "disjoint-b.csv"],
            opts: defaults,
            want: Want::Err { kind: |k| *k == ErrorKind::NoCommonDates, file: None, line: None, column: None },
        },
        Case {
            files: &["disjoint-a.csv", "disjoint-b.csv"],
            opts: || IngestOptions { rename: vec![("disjoint-b.csv".into(), "disjoint-a".into())], ..defaults() },
            want: err(
                |k| *k == ErrorKind::DuplicateAsset { asset: "disjoint-a".into(), other_file: "disjoint-a.csv".into() },
                "disjoint-b.csv",
                None,
                None,
            ),
        },
        Case {
            files: &["future-dates.csv"],
            opts: || IngestOptions { max_bytes: 20, ..defaults() },
            want: err(|k| *k == ErrorKind::TooLarge { limit: 20 }, "future-dates.csv", None, None),
        },
        Case {
            files: &["gzip-of-garbage.csv.gz"],
            opts: || IngestOptions { max_bytes: 500, ..defaults() },
            want: err(|k| *k == ErrorKind::TooLarge { limit: 500 }, "gzip-of-garbage.csv.gz", None, None),
        },
        // Loads, with the problem in the report.
        c(
            &["negative-price.csv"],
            Want::Ok(|l| {
                let a = &l.report.assets[0];
                assert_eq!((a.rows, a.days, a.price_invalid), (4, 2, 2));
                assert_eq!(a.price_invalid_lines, [3, 4]);
                // The dropped days are gaps inside the span: carried forward.
                assert_eq!(a.carried_forward, 2);
                assert_eq!(l.panel.price(1, 0), 1.5);
                assert!(
                    l.report.warnings.iter().any(|w| w.starts_with("2 rows without a usable price")),
                    "{:?}",
                    l.report.warnings
                );
            }),
        ),
        c(
            &["nan-price.csv"],
            Want::Ok(|l| {
                let a = &l.report.assets[0];
                assert_eq!((a.price_invalid, a.price_blank), (2, 0));
                assert_eq!(a.price_invalid_lines, [3, 4]);
            }),
        ),
        c(
            &["huge-number.csv"],
            Want::Ok(|l| {
                let a = &l.report.assets[0];
                // 1e400 is infinite: a bad row; 1e300 is finite but implausible: dropped too.
                assert_eq!((a.price_invalid, a.price_invalid_lines.as_slice(), a.days), (1, &[3][..], 1));
                assert_eq!(a.price_implausible, 1);
                assert_eq!(
                    a.implausible_prices,
                    [engine::ingest::Implausible {
                        date: day("2021-01-03"),
                        price: 1e300,
                        reason: engine::ingest::Implausibility::TooHigh
                    }]
                );
                assert!(l.panel.price(2, 0).is_nan(), "after the last usable price");
                assert!(
                    l.report
                        .warnings
                        .iter()
                        .any(|w| w.contains("huge-number: 1e300 on 2021-01-03 (above 1e12 per unit)")),
                    "{:?}",
                    l.report.warnings
                );
            }),
        ),
        c(
            &["blank-prices.csv"],
            Want::Ok(|l| {
                let a = &l.report.assets[0];
                assert_eq!((a.price_blank, a.price_invalid, a.carried_forward), (2, 0, 2));
            }),
        ),
        c(
            &["duplicate-dates.csv"],
            Want::Ok(|l| {
                let a = &l.report.assets[0];
                assert_eq!((a.rows, a.days, a.duplicate_dates), (4, 3, 1));
                assert_eq!(a.duplicate_examples, [day("2021-01-02")]);
                assert_eq!(a.duplicate_policy, engine::ingest::DuplicatePolicy::KeepLast);
                assert_eq!(l.panel.price(1, 0), 1.65, "the last row wins");
                assert_eq!((a.duplicate_conflicts, a.duplicate_identical), (1, 0));
                let conflict =
                    engine::ingest::DuplicateConflict { date: day("2021-01-02"), discarded: 1.6, kept: 1.65 };
                assert_eq!(a.duplicate_conflict_examples, [conflict]);
                assert!(
                    l.report.warnings.iter().any(|w| w.starts_with("1 row repeating a date")),
                    "{:?}",
                    l.report.warnings
                );
                assert!(
                    l.report.warnings.iter().any(|w| w
                        == "repeated dates with different prices: duplicate-dates on 2021-01-02: 1.6 and 1.65 (kept 1.65, the last row)"),
                    "{:?}",
                    l.report.warnings
                );
            }),
        ),
        c(
            &["unsorted-rows.csv"],
            Want::Ok(|l| {
                assert_eq!(l.report.files[0].row_order, RowOrder::Unsorted);
                assert_eq!(l.panel.dates(), [day("2021-01-01"), day("2021-01-02"), day("2021-01-03")]);
                assert_eq!(l.panel.price(0, 0), 1.5);
                assert!(l.report.warnings.iter().any(|w| w.contains("not in date order")));
            }),
        ),
        c(
            &["mixed-date-formats.csv"],
            Want::Ok(|l| {
                assert_eq!(l.report.files[0].date_styles, [DateStyle::Iso, DateStyle::Slashed, DateStyle::MonthName]);
                assert_eq!(l.panel.n_days(), 3);
                assert!(l.report.warnings.iter().any(|w| w.contains("more than one way")));
            }),
        ),
        c(
            &["not-midnight.csv"],
            Want::Ok(|l| {
                assert_eq!(l.report.assets[0].not_midnight, 2);
                assert_eq!(l.panel.n_days(), 4);
                assert_eq!(l.report.last_date, day("2021-01-04"));
            }),
        ),
        c(
            &["future-dates.csv"],
            Want::Ok(|l| {
                // The engine has no clock: future dates are data like any other.
                assert_eq!((l.report.first_date, l.report.last_date), (day("2099-12-30"), day("2099-12-31")));
            }),
        ),
        c(&["spaces-only-row.csv"], Want::Ok(|l| assert_eq!(l.report.assets[0].days, 2))),
        c(
            &["zero-caps.csv"],
            Want::Ok(|l| {
                assert_eq!(l.report.assets[0].cap_missing_or_zero, 2);
                assert!(l.panel.market_cap(0, 0).is_nan(), "a zero cap is stored as missing");
                assert_eq!(l.panel.market_cap(2, 0), 300.0);
            }),
        ),
        c(
            &["disjoint-a.csv"],
            Want::Ok(|l| {
                assert_eq!(l.report.assets[0].id, "disjoint-a");
                assert!(l.report.warnings.is_empty(), "{:?}", l.report.warnings);
            }),
        ),
        c(&["disjoint-b.csv"], Want::Ok(|l| assert_eq!(l.report.first_date, day("2021-01-03")))),
    ]
}

fn run(case: &Case) -> Result<Loaded, IngestError> {
    let bytes: Vec<Vec<u8>> = case.files.iter().map(|f| read(f)).collect();
    let files: Vec<InputFile> = case.files.iter().zip(&bytes).map(|(n, b)| InputFile::new(*n, b)).collect();
    load(&files, &(case.opts)())
}

#[test]
fn every_bad_file_gives_its_specific_result() {
    let mut failures = Vec::new();
    for case in cases() {
        let got = run(&case);
        let label = case.files.join(" + ");
        match (&case.want, got) {
            (Want::Err { kind, file, line, column }, Err(e)) => {
                let ok =
                    kind(&e.kind) && e.file.as_deref() == *file && e.line == *line && e.column.as_deref() == *column;
                if !ok {
                    failures.push(format!("{label}: unexpected error {e:?}"));
                }
                assert!(!e.to_string().is_empty());
            }
            (Want::Err { .. }, Ok(l)) => failures.push(format!("{label}: loaded, expected an error: {:?}", l.report)),
            (Want::Ok(check), Ok(l)) => {
                if let Err(p) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&l))) {
                    let msg = p.downcast_ref::<String>().cloned().unwrap_or_default();
                    failures.push(format!("{label}: report check failed: {msg}"));
                }
            }
            (Want::Ok(_), Err(e)) => failures.push(format!("{label}: expected to load, got: {e}")),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn corpus_is_large_and_fully_covered() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(bad_dir())
        .expect("bad corpus directory")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8 name"))
        .collect();
    assert!(on_disk.len() >= 25, "only {} bad files", on_disk.len());
    let covered: BTreeSet<String> = cases().iter().flat_map(|c| c.files.iter().map(|f| f.to_string())).collect();
    let missing: Vec<&String> = on_disk.difference(&covered).collect();
    assert!(missing.is_empty(), "bad files without a case: {missing:?}");
}

#[test]
fn messages_name_file_line_column_found_and_expected() {
    let e = run(&Case { files: &["text-in-price.csv"], opts: defaults, want: Want::Ok(|_| {}) }).unwrap_err();
    assert_eq!(e.to_string(), "text-in-price.csv, line 4, column 'price': found 'abc', expected a number");
    let e = run(&Case { files: &["ragged-rows.csv"], opts: defaults, want: Want::Ok(|_| {}) }).unwrap_err();
    assert_eq!(e.to_string(), "ragged-rows.csv, line 3: found 3 fields, expected 4 like the header");
    let e = load(&[], &defaults()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoFiles);
    assert_eq!(e.to_string(), "no files were given");
}

fn load_one(name: &str, bytes: &[u8]) -> Result<Loaded, IngestError> {
    load(&[InputFile::new(name, bytes)], &defaults())
}

#[test]
fn spreadsheets_archives_images_and_pdfs_are_named() {
    use engine::ingest::Binary;
    let mut webp = b"RIFF\x24\x00\x00\x00WEBPVP8 ".to_vec();
    webp.extend_from_slice(&[0u8; 20]);
    let cases: Vec<(&str, Vec<u8>, Binary)> = vec![
        (
            "prices.xlsx",
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml".to_vec(),
            Binary::ZipOrXlsx,
        ),
        ("prices.xls", vec![0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0], Binary::Xls),
        ("chart.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(), Binary::Png),
        ("chart.jpg", vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F'], Binary::Jpeg),
        ("chart.gif", b"GIF89a\x01\x00\x01\x00".to_vec(), Binary::Gif),
        ("chart.webp", webp, Binary::Webp),
        ("statement.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec(), Binary::Pdf),
    ];
    for (name, bytes, what) in cases {
        let e = load_one(name, &bytes).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotCsv { what }, "{name}");
        assert_eq!(e.file.as_deref(), Some(name));
        assert!(!e.to_string().contains("UTF-8"), "{e}");
    }
    let e = load_one("prices.xlsx", b"PK\x03\x04rest of a zip").unwrap_err();
    assert_eq!(e.to_string(), "prices.xlsx: this is a zip archive or an Excel .xlsx spreadsheet: export it as CSV");
    let e = load_one("old.xls", &[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]).unwrap_err();
    assert_eq!(e.to_string(), "old.xls: this is an Excel .xls spreadsheet (the old binary format): export it as CSV");
    let e = load_one("scan.pdf", b"%PDF-1.4 ...").unwrap_err();
    assert_eq!(
        e.to_string(),
        "scan.pdf: this is a PDF document, not a table of prices: load a CSV or JSON file of prices"
    );
    // Gzip-compressed too (the check runs on the unpacked bytes).
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, b"PK\x03\x04zip inside gzip").unwrap();
    let e = load_one("x.csv.gz", &gz.finish().unwrap()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotCsv { what: Binary::ZipOrXlsx });
    // Text that merely starts with the same letters is still read as CSV.
    let l = load_one("pk.csv", b"PK,date,price\n1,2021-01-01,5\n").unwrap();
    assert_eq!(l.panel.price(0, 0), 5.0);
}

#[test]
fn a_header_of_100000_columns_is_refused_quickly() {
    use engine::ingest::limits::MAX_COLUMNS;
    let mut header = String::from("date");
    for i in 0..100_000 {
        header.push_str(&format!(",c{i}"));
    }
    let mut bytes = header.into_bytes();
    bytes.resize(1 << 20, b'x');
    bytes.push(b'\n');
    let t = std::time::Instant::now();
    let e = load_one("wide.csv", &bytes).unwrap_err();
    let took = t.elapsed();
    assert_eq!(e.kind, ErrorKind::TooManyColumns { found: 100_001, limit: MAX_COLUMNS });
    assert_eq!(e.line, Some(1));
    assert!(took.as_millis() < 250, "took {took:?}");
    assert!(e.to_string().contains("100001 columns, more than the 10000"), "{e}");
    // A header exactly at the limit is still read (as a wide file).
    let mut header = String::from("date");
    for i in 1..MAX_COLUMNS {
        header.push_str(&format!(",c{i}"));
    }
    let row: String = std::iter::once("2021-01-01".to_string())
        .chain((1..MAX_COLUMNS).map(|_| "1".into()))
        .collect::<Vec<_>>()
        .join(",");
    let l = load_one("at-limit.csv", format!("{header}\n{row}\n").as_bytes()).unwrap();
    assert_eq!(l.panel.n_assets(), MAX_COLUMNS - 1);
}

#[test]
fn implausible_prices_are_dropped_as_data_errors() {
    use engine::ingest::{Implausibility, Implausible};
    // One price of 1e308 and nothing else usable: the load fails, it never loads as a value.
    let e = load_one("x.csv", b"date,price\n2021-01-01,1e308\n").unwrap_err();
    let example = Implausible { date: day("2021-01-01"), price: 1e308, reason: Implausibility::TooHigh };
    assert_eq!(e.kind, ErrorKind::ImplausiblePrices { count: 1, example });
    let msg = e.to_string();
    assert!(msg.starts_with("x.csv: every price is implausible, so nothing was loaded (1 price(s) such as 1e308 on 2021-01-01 (above 1e12 per unit))"), "{msg}");
    assert!(msg.len() < 200, "{msg}");
    let e = load_one("x.csv", b"date,price\n2021-01-01,1e-15\n2021-01-02,0\n").unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::ImplausiblePrices { count: 1, example } if example.reason == Implausibility::TooLow)
    );
    // Too high and too low inside a series: dropped, the days carried forward.
    let csv = b"date,price,market_cap\n2021-01-01,2,20\n2021-01-02,2e13,30\n2021-01-03,3,30\n2021-01-04,1e-13,40\n2021-01-05,5,50\n";
    let l = load_one("odd.csv", csv).unwrap();
    assert_eq!(l.panel.n_days(), 5);
    let prices: Vec<f64> = (0..5).map(|t| l.panel.price(t, 0)).collect();
    assert_eq!(prices, [2.0, 2.0, 3.0, 3.0, 5.0]);
    let a = &l.report.assets[0];
    assert_eq!((a.days, a.price_implausible, a.price_invalid, a.carried_forward), (3, 2, 0, 2));
    let got: Vec<(Date, f64)> = a.implausible_prices.iter().map(|x| (x.date, x.price)).collect();
    assert_eq!(got, [(day("2021-01-02"), 2e13), (day("2021-01-04"), 1e-13)]);
    let w = l.report.warnings.iter().find(|w| w.contains("implausible")).expect("a warning");
    assert_eq!(
        w,
        "2 rows with an implausible price dropped as data errors (the day is carried forward): \
         odd: 2e13 on 2021-01-02 (above 1e12 per unit); odd: 1e-13 on 2021-01-04 (below 1e-12 per unit)"
    );
}

#[test]
fn moves_over_a_million_times_that_do_not_revert_are_dropped() {
    use engine::ingest::Implausibility;
    // Ten days near 1, then a jump to 3.9e6 x that stays for three days, then back.
    let mut csv = String::from("date,price\n");
    let prices = [1.0, 1.1, 1.2, 1.0, 0.9, 1.3, 390_000_000.0, 400_000_000.0, 410_000_000.0, 1.4, 1.5];
    for (k, p) in prices.iter().enumerate() {
        csv.push_str(&format!("2021-01-{:02},{p}\n", k + 1));
    }
    let l = load_one("jumpy.csv", csv.as_bytes()).unwrap();
    let got: Vec<f64> = (0..prices.len()).map(|t| l.panel.price(t, 0)).collect();
    assert_eq!(got, [1.0, 1.1, 1.2, 1.0, 0.9, 1.3, 1.3, 1.3, 1.3, 1.4, 1.5]);
    let a = &l.report.assets[0];
    assert_eq!((a.price_implausible, a.days, a.carried_forward), (3, 8, 3));
    assert_eq!(a.implausible_prices[0].date, day("2021-01-07"));
    assert_eq!(a.implausible_prices[0].reason, Implausibility::Jump { from: 1.3 });
    assert!(a.spikes.is_empty());
    let w = l.report.warnings.iter().find(|w| w.contains("implausible")).expect("a warning");
    assert!(w.contains("jumpy: 3.9e8 on 2021-01-07 (x3e8 away from the trusted price 1.3, not reverting)"), "{w}");
    // A jump at the start that never comes back: the longer stretch is trusted.
    let l = load_one(
        "early.csv",
        b"date,price\n2021-01-01,1e-11\n2021-01-02,2e-11\n2021-01-03,5\n2021-01-04,6\n2021-01-05,7\n",
    )
    .unwrap();
    assert_eq!(l.report.first_date, day("2021-01-01"));
    assert_eq!(l.report.assets[0].first_date, day("2021-01-03"));
    assert_eq!(l.report.assets[0].price_implausible, 2);
    assert!(l.panel.price(0, 0).is_nan());
    // A one-day move that reverts is a spike, repaired by the spike rule, not dropped.
    let l = load_one("spike.csv", b"date,price\n2021-01-01,2\n2021-01-02,2\n2021-01-03,9e7\n2021-01-04,2\n").unwrap();
    let a = &l.report.assets[0];
    assert_eq!((a.price_implausible, a.spikes.len()), (0, 1));
    assert_eq!(l.panel.price(2, 0), 2.0);
}

#[test]
fn duplicates_that_disagree_are_told_apart_from_repeats() {
    use engine::ingest::DuplicateConflict;
    let mut csv = String::from("date,asset,price\n");
    csv.push_str("2021-03-04,bitcoin,100\n2021-03-04,ether,5\n2021-03-04,bitcoin,900\n2021-03-04,ether,5\n");
    csv.push_str("2021-03-05,bitcoin,910\n2021-03-05,bitcoin,910\n2021-03-05,ether,6\n");
    // Seven more disagreeing days of ether, and one day with three rows.
    for d in 6..13 {
        csv.push_str(&format!("2021-03-{d:02},ether,{}\n2021-03-{d:02},ether,{}\n", d, d * 1000));
        csv.push_str(&format!("2021-03-{d:02},bitcoin,1000\n"));
    }
    csv.push_str("2021-03-13,bitcoin,1\n2021-03-13,bitcoin,2\n2021-03-13,bitcoin,3\n2021-03-13,ether,7\n");
    let l = load_one("long.csv", csv.as_bytes()).unwrap();
    let btc = &l.report.assets[0];
    assert_eq!(btc.id, "bitcoin");
    assert_eq!((btc.duplicate_dates, btc.duplicate_identical, btc.duplicate_conflicts), (4, 1, 3));
    assert_eq!(
        btc.duplicate_conflict_examples,
        [
            DuplicateConflict { date: day("2021-03-04"), discarded: 100.0, kept: 900.0 },
            DuplicateConflict { date: day("2021-03-13"), discarded: 1.0, kept: 3.0 },
            DuplicateConflict { date: day("2021-03-13"), discarded: 2.0, kept: 3.0 },
        ]
    );
    let eth = &l.report.assets[1];
    assert_eq!((eth.duplicate_dates, eth.duplicate_identical, eth.duplicate_conflicts), (8, 1, 7));
    assert_eq!(l.panel.price(0, 0), 900.0);
    let w = &l.report.warnings;
    assert!(
        w.iter()
            .any(|w| w
                .starts_with("12 rows repeating a date of the same asset (2 identical, 10 with a different price)")),
        "{w:?}"
    );
    let c = w.iter().find(|w| w.starts_with("repeated dates with different prices")).expect("a conflict warning");
    assert_eq!(
        c,
        "repeated dates with different prices: bitcoin on 2021-03-04: 100 and 900 (kept 900, the last row); \
         bitcoin on 2021-03-13: 1 and 3 (kept 3, the last row); bitcoin on 2021-03-13: 2 and 3 (kept 3, the last row); \
         ether on 2021-03-06: 6 and 6000 (kept 6000, the last row); ether on 2021-03-07: 7 and 7000 (kept 7000, the last row) \
         and 5 more"
    );
}

/// An asset name of kilobytes in the asset column is refused with its place,
/// not carried into every table and legend.
#[test]
fn an_asset_name_of_kilobytes_is_refused() {
    let long = "x".repeat(5000);
    let text = format!("date,asset,price\n2021-01-01,btc,1\n2021-01-02,{long},2\n");
    let files = [engine::ingest::InputFile::new("long-names.csv", text.as_bytes())];
    let e = engine::ingest::load(&files, &engine::ingest::IngestOptions::default()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("long-names.csv") && msg.contains("line 3") && msg.contains("at most 100 characters"),
        "{msg}"
    );
    assert!(msg.len() < 400, "{} characters", msg.len());
    let ok = format!("date,asset,price\n2021-01-01,{},1\n", "y".repeat(100));
    let files = [engine::ingest::InputFile::new("ok.csv", ok.as_bytes())];
    assert!(engine::ingest::load(&files, &engine::ingest::IngestOptions::default()).is_ok());
}
