//! Writes the seeded whole-market long CSV (`engine::synth::universe_file`),
//! gzipped, for the scale benchmarks and the page's scale test:
//!
//! ```sh
//! cargo run --release -p engine --example universe_file -- target/bench/every-coin.csv.gz
//! ```
//!
//! Optional arguments after the path: coins, days, seed (default: 2,600
//! coins, 4,500 days, seed 2013).

use engine::synth::universe_file::{write_long_csv, UniverseShape};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::{BufWriter, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: universe_file OUT.csv.gz [coins] [days] [seed]");
        std::process::exit(2);
    };
    let mut shape = UniverseShape::every_coin();
    let number = |i: usize, default: usize| args.get(i).map_or(default, |s| s.parse().expect("a whole number"));
    shape.n_assets = number(1, shape.n_assets);
    shape.n_days = number(2, shape.n_days);
    shape.seed = number(3, shape.seed as usize) as u64;
    if let Some(dir) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(dir).expect("create the output folder");
    }
    let file = std::fs::File::create(path).expect("create the output file");
    let mut gz = GzEncoder::new(BufWriter::new(file), Compression::new(6));
    let stats = write_long_csv(&shape, &mut gz).expect("write");
    gz.finish().expect("finish gzip").flush().expect("flush");
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{path}: {} coins x {} days, {} rows ({:.1}% of cells), {} delisted, {:.1} MB gzipped",
        shape.n_assets,
        shape.n_days,
        stats.rows,
        100.0 * stats.filled(&shape),
        stats.delisted,
        size as f64 / 1e6
    );
}
