//! The compact layout ([`Layout::Spans`], each asset's listed days only)
//! holds the same data as the dense day x asset table: every file the
//! loader reads, loaded both ways (`IngestOptions::compact_above` 0 forces
//! the compact layout wherever it halves the table), gives the same panel
//! cell for cell, the same report and the same fingerprint, and simulations
//! on it give the same numbers bit for bit (see also `bit_identical.rs`).

use engine::compare::compare;
use engine::ingest::{load, IngestOptions, InputFile, Loaded};
use engine::metrics::MetricsOptions;
use engine::panel::Layout;
use engine::share::fingerprint;
use engine::synth::universe_file::{write_long_csv, UniverseShape};
use engine::{Date, Panel, Preset, Strategy};
use std::path::Path;
mod real_data;
use real_data::{data_dir, read_dir};

fn both(files: &[(String, Vec<u8>)]) -> (Result<Loaded, String>, Result<Loaded, String>) {
    let inputs: Vec<InputFile> = files.iter().map(|(n, b)| InputFile::new(n.clone(), b)).collect();
    let dense = load(&inputs, &IngestOptions::default()).map_err(|e| e.to_string());
    let compact =
        load(&inputs, &IngestOptions { compact_above: 0, ..IngestOptions::default() }).map_err(|e| e.to_string());
    (dense, compact)
}

/// Loads `files` both ways; returns whether the compact load was compact.
fn same_both_ways(what: &str, files: &[(String, Vec<u8>)]) -> bool {
    match both(files) {
        (Ok(d), Ok(c)) => {
            assert!(matches!(d.panel.layout(), Layout::Dense), "{what}: small data loads dense by default");
            assert!(same_cells(&c.panel, &d.panel), "{what}: panel");
            assert_eq!(format!("{:?}", c.report), format!("{:?}", d.report), "{what}: report");
            assert_eq!(fingerprint(&c.panel), fingerprint(&d.panel), "{what}: fingerprint");
            matches!(c.panel.layout(), Layout::Spans(_))
        }
        (Err(d), Err(c)) => {
            assert_eq!(c, d, "{what}: error");
            false
        }
        (d, c) => panic!("{what}: dense {:?} but compact {:?}", d.err(), c.err()),
    }
}

/// Same dates, assets, flags and every cell of every field, bit for bit
/// (NaN included).
fn same_cells(a: &Panel, b: &Panel) -> bool {
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let fields = |p: &Panel| {
        let mut f = vec![bits(&p.prices()), bits(&p.market_caps()), bits(&p.volumes())];
        f.extend((0..p.extras().len()).map(|k| bits(&p.extra_day_major(k))));
        f
    };
    a.dates() == b.dates() && a.assets() == b.assets() && a.pegged() == b.pegged() && fields(a) == fields(b)
}

fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

#[test]
fn every_test_file_loads_the_same_in_both_layouts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ingest");
    let mut compact = 0;
    for sub in ["good", "bad"] {
        for f in files_in(&root.join(sub)) {
            compact += usize::from(same_both_ways(&f.0, std::slice::from_ref(&f)));
        }
    }
    let good = files_in(&root.join("good"));
    let pick = |names: &[&str]| -> Vec<(String, Vec<u8>)> {
        good.iter().filter(|(n, _)| names.contains(&n.as_str())).cloned().collect()
    };
    compact += usize::from(same_both_ways("prices + caps", &pick(&["prices.csv", "market-caps.csv"])));
    compact += usize::from(same_both_ways("prices + supply", &pick(&["prices.csv", "supply.csv"])));
    assert!(compact >= 2, "only {compact} files went compact");
}

#[test]
fn real_files_load_the_same_in_both_layouts() {
    let exports = read_dir("coingecko-exports-19");
    assert!(same_both_ways("19 exports", &exports), "the 19 exports list at different dates");
    assert!(same_both_ways("top 50 of 2023", &read_dir("coingecko-top50-2023")));
    let name = "coingecko-top150-2017-2021.csv.gz";
    let gz = std::fs::read(data_dir().join(name)).unwrap();
    assert!(same_both_ways(name, &[(name.to_string(), gz)]));
}

/// A whole-market file in small: coins listed and delisted over the years.
#[test]
fn a_market_of_listings_and_delistings_is_stored_by_its_rows() {
    let shape = UniverseShape { seed: 7, n_assets: 300, n_days: 900, start: Date::from_ymd(2018, 1, 1).unwrap() };
    let mut csv = Vec::new();
    let stats = write_long_csv(&shape, &mut csv).unwrap();
    let files = vec![("market.csv".to_string(), csv)];
    assert!(same_both_ways("market", &files));
    let (Ok(dense), Ok(compact)) = both(&files) else { panic!("loads") };
    // Stored cells follow the rows: spans are at most the rows plus gaps.
    let rectangle = dense.panel.stored_cells();
    assert!(compact.panel.stored_cells() < rectangle / 2, "{} of {rectangle}", compact.panel.stored_cells());
    assert!(compact.panel.stored_cells() >= stats.rows);
    // Every preset gives the same numbers bit for bit on both.
    let strategies: Vec<Strategy> = Preset::ALL.iter().map(|&p| Strategy::preset(p)).collect();
    let bits = |l: &Loaded| -> Vec<Vec<u64>> {
        compare(&l.panel, &strategies, None, &MetricsOptions::default())
            .iter()
            .map(|r| r.as_ref().unwrap().sim.equity.iter().map(|v| v.to_bits()).collect())
            .collect()
    };
    assert_eq!(bits(&compact), bits(&dense));
}
