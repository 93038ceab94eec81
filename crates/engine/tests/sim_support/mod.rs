//! Small hand-made panels for the simulation tests.

use engine::strategy::{Costs, Universe};
use engine::{Date, Extra, Panel, Schedule, Strategy, Weighting};

pub const NAN: f64 = f64::NAN;

/// A panel of consecutive days from `start` with per-asset columns
/// (`prices[a][t]`); caps default to 1e9 x price (constant supply) and
/// volumes to 1e9.
pub struct Build {
    pub start: Date,
    pub ids: Vec<String>,
    pub prices: Vec<Vec<f64>>,
    pub caps: Option<Vec<Vec<f64>>>,
    pub volumes: Option<Vec<Vec<f64>>>,
    pub extras: Vec<(String, Vec<Vec<f64>>)>,
}

impl Build {
    pub fn new(start: (i32, u32, u32), ids: &[&str], prices: Vec<Vec<f64>>) -> Build {
        Build {
            start: Date::from_ymd(start.0, start.1, start.2).unwrap(),
            ids: ids.iter().map(|s| s.to_string()).collect(),
            prices,
            caps: None,
            volumes: None,
            extras: Vec::new(),
        }
    }

    pub fn caps(mut self, caps: Vec<Vec<f64>>) -> Build {
        self.caps = Some(caps);
        self
    }

    pub fn volumes(mut self, volumes: Vec<Vec<f64>>) -> Build {
        self.volumes = Some(volumes);
        self
    }

    pub fn extra(mut self, name: &str, values: Vec<Vec<f64>>) -> Build {
        self.extras.push((name.to_string(), values));
        self
    }

    pub fn build(self) -> Panel {
        let n_days = self.prices[0].len();
        let day_major =
            |cols: &[Vec<f64>]| -> Vec<f64> { (0..n_days).flat_map(|t| cols.iter().map(move |c| c[t])).collect() };
        let caps =
            self.caps.unwrap_or_else(|| self.prices.iter().map(|c| c.iter().map(|p| p * 1e9).collect()).collect());
        let volumes = self.volumes.unwrap_or_else(|| vec![vec![1e9; n_days]; self.prices.len()]);
        Panel::new(
            (0..n_days as i32).map(|i| Date(self.start.0 + i)).collect(),
            self.ids,
            day_major(&self.prices),
            day_major(&caps),
            day_major(&volumes),
            self.extras.iter().map(|(name, cols)| Extra { name: name.clone(), values: day_major(cols) }).collect(),
        )
        .unwrap()
    }
}

/// A strategy with the given weighting and schedule, no exclusions and the given fee.
pub fn strategy(weighting: Weighting, rebalance: Schedule, fee_bps: f64) -> Strategy {
    Strategy {
        weighting,
        rebalance,
        universe: Universe { exclude: Vec::new(), ..Universe::default() },
        costs: Costs { fee_bps, half_spread_bps: 0.0, impact: None },
        ..Strategy::default()
    }
}

pub fn assert_close(actual: f64, expected: f64, tol: f64) {
    assert!((actual - expected).abs() <= tol, "{actual} != {expected} (tol {tol})");
}

pub fn assert_all_close(actual: &[f64], expected: &[f64], tol: f64) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!((a - e).abs() <= tol, "{actual:?} vs {expected:?}");
    }
}
