//! A seeded long CSV of a whole crypto market, for scale benchmarks and
//! tests: the shape of a survivorship-free export of every coin ever listed
//! (coins list over the years, many stop trading, and only a fraction of the
//! day x coin rectangle holds a row).
//!
//! The file is `date,asset,price,market_cap,volume`, one coin after the
//! other (as exports per coin concatenate), each from its listing day to its
//! last day. It is test input, not a market model: the built-in market
//! ([`super::generate`]) is the one whose statistics are calibrated.
//!
//! Same shape and seed, same bytes, on every platform (only the portable
//! [`super::rng`] functions are used).

use super::rng::{exp, Xoshiro256};
use crate::date::Date;
use std::io::{self, Write};

/// The size of the generated market.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UniverseShape {
    pub seed: u64,
    /// Coins ever listed.
    pub n_assets: usize,
    /// Calendar days from `start`.
    pub n_days: usize,
    pub start: Date,
}

impl UniverseShape {
    /// About 2,600 coins over 4,500 days (2013-04-28 on), about 20% of the
    /// cells present: the shape of CoinGecko's whole history.
    pub fn every_coin() -> UniverseShape {
        UniverseShape { seed: 2013, n_assets: 2_600, n_days: 4_500, start: Date::from_ymd(2013, 4, 28).expect("valid") }
    }
}

/// What [`write_long_csv`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UniverseStats {
    pub rows: usize,
    /// Coins whose last row is before the last day.
    pub delisted: usize,
}

impl UniverseStats {
    /// Share of the day x coin rectangle that holds a row.
    pub fn filled(&self, shape: &UniverseShape) -> f64 {
        self.rows as f64 / (shape.n_assets as f64 * shape.n_days as f64)
    }
}

/// Writes the market as a long CSV to `out` (wrap a file in a
/// `BufWriter`, or a gzip encoder).
pub fn write_long_csv(shape: &UniverseShape, out: &mut impl Write) -> io::Result<UniverseStats> {
    writeln!(out, "date,asset,price,market_cap,volume")?;
    let dates: Vec<String> = (0..shape.n_days).map(|d| Date(shape.start.0 + d as i32).to_string()).collect();
    // One market factor that every coin follows with its own beta, so an
    // index of many coins is not diversified to nothing.
    let mut market_rng = Xoshiro256::new(shape.seed, 0);
    let market: Vec<f64> = (0..shape.n_days).map(|_| 0.6 / 365f64.sqrt() * market_rng.student_t4()).collect();
    let mut stats = UniverseStats::default();
    let mut line = String::with_capacity(96);
    for i in 0..shape.n_assets {
        let mut rng = Xoshiro256::new(shape.seed, i as u64 + 1);
        let n = shape.n_days as f64;
        // Listings grow over the years: the day of listing is n * sqrt(u),
        // except for the first few coins, which trade from day one.
        let first = if i < 5 { 0 } else { (n * rng.uniform().sqrt()) as usize }.min(shape.n_days - 1);
        // Almost half the coins stop trading, after an exponential life.
        let dies = rng.uniform() < 0.45;
        let life = 30.0 - 700.0 * super::rng::ln(1.0 - rng.uniform());
        let last = if dies { (first + life as usize).min(shape.n_days - 1) } else { shape.n_days - 1 };
        if last + 1 < shape.n_days {
            stats.delisted += 1;
        }
        // Early coins are larger; every coin has its own volatility and drift.
        let supply = exp(rng.range(13.0, 23.0) - 4.0 * first as f64 / n);
        let sigma = rng.range(0.4, 1.4) / 365f64.sqrt();
        let beta = rng.range(0.6, 1.6);
        let drift = if dies { -0.004 } else { rng.range(-0.001, 0.002) };
        let turnover = exp(rng.range(-6.0, -1.5));
        let mut log_price = rng.range(-9.0, 6.0);
        for (date, m) in dates[first..=last].iter().zip(&market[first..=last]) {
            log_price = (log_price + drift + beta * m + sigma * rng.student_t4()).clamp(-23.0, 20.0);
            let price = exp(log_price);
            let cap = price * supply;
            let volume = cap * turnover * exp(0.5 * rng.normal());
            line.clear();
            use std::fmt::Write as _;
            let _ = writeln!(line, "{date},coin-{i:04},{price:.8e},{cap:.6e},{volume:.4e}");
            out.write_all(line.as_bytes())?;
            stats.rows += 1;
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_market_has_listings_delistings_and_its_rows() {
        let shape = UniverseShape { seed: 1, n_assets: 60, n_days: 400, start: Date::from_ymd(2020, 1, 1).unwrap() };
        let mut bytes = Vec::new();
        let stats = write_long_csv(&shape, &mut bytes).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(text.lines().count(), stats.rows + 1);
        assert!(stats.delisted > 5 && stats.delisted < 50, "{stats:?}");
        assert!(stats.filled(&shape) > 0.15 && stats.filled(&shape) < 0.9, "{stats:?}");
        // Deterministic, and the engine reads it back whole.
        let mut again = Vec::new();
        write_long_csv(&shape, &mut again).unwrap();
        assert_eq!(bytes, again);
        let loaded = crate::ingest::load(
            &[crate::ingest::InputFile { name: "market.csv".into(), bytes: &bytes }],
            &crate::ingest::IngestOptions::default(),
        )
        .unwrap();
        assert_eq!(loaded.panel.n_assets(), 60);
        let listed_late = loaded.panel.assets().iter().filter(|a| a.first > 0).count();
        assert!(listed_late > 40, "{listed_late} coins listed after day one");
    }
}
