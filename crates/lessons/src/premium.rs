//! The rebalancing premium, defined once for every lesson that quotes it.
//!
//! **Definition.** For a basket of coins fixed on the first day, the
//! rebalancing premium of a schedule is
//!
//! ```text
//! premium = CAGR(basket kept at equal weights on the schedule, before costs)
//!         - CAGR(same basket bought at equal weights on day one and never traded)
//! ```
//!
//! The held basket pays its one purchase (it is a real, investable
//! alternative); the rebalanced one is measured before costs, so the
//! premium is what the trading itself earned, and
//! `CAGR(rebalanced, after costs) - CAGR(held) = premium - cost drag`
//! exactly, with `cost drag = CAGR(before costs) - CAGR(after costs)`.
//! Both curves hold the same coins (the lessons' baskets are never
//! reconstituted), so the premium measures rebalancing alone, not a change
//! of membership. It is positive when selling what rose and buying what fell
//! earned more than letting the winners run, negative when the winners kept
//! winning.

use engine::compare::Run;

use crate::format::opt;
use crate::measures::curve_cagr;

/// The words every lesson uses to define it.
pub const DEFINITION: &str = "the CAGR of a basket kept at equal weights, before costs, minus the CAGR of the same \
     coins bought at equal weights once and held";

/// Premium, cost drag and net gain of one rebalanced run against the held basket.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Premium {
    /// CAGR before costs minus the held basket's CAGR.
    pub premium: f64,
    /// CAGR before costs minus CAGR after costs.
    pub cost_drag: f64,
    /// CAGR after costs minus the held basket's CAGR (`premium - cost_drag`).
    pub net: f64,
}

/// The premium of `rebalanced` against `held` (see the module docs).
pub fn premium(rebalanced: &Run, held: &Run) -> Premium {
    let ppy = rebalanced.metrics.periods_per_year;
    let gross = curve_cagr(&rebalanced.gross_equity, ppy);
    let net = opt(rebalanced.metrics.cagr);
    let held = opt(held.metrics.cagr);
    Premium { premium: gross - held, cost_drag: gross - net, net: net - held }
}
