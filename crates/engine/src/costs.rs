//! Trading costs at a rebalance: per-asset rates and the post-trade value.
//!
//! With pre-trade value `V`, current holding values `x_i` and target weights
//! `w_i`, the post-trade value `V'` solves
//!
//! `V' = V - Σ_i c_i(|Δ_i|) |Δ_i|`,  `Δ_i = w_i V' - x_i`,
//!
//! where `c_i(d) = min(base + g_i sqrt(d), MAX_COST_RATE)`, `base =
//! (fee_bps + half_spread_bps) / 1e4` and `g_i = k sigma_i sqrt(capital /
//! ADV_i)` (0 without impact), i.e. the square-root law
//! `impact = k sigma sqrt(trade value in currency / ADV)`. It is found by the
//! fixed-point iteration `V'_{n+1} = V - cost(V'_n)` from `V'_0 = V` (with
//! impact) or from the exact solution of the linearised equation (without
//! impact, so one or two steps confirm it), stopped
//! when a step moves less than `1e-15 V`. The map is a contraction because the
//! cost rate is well below 1, so the iteration converges geometrically.

/// Largest total cost rate of one trade (50%); larger impact estimates are capped.
pub const MAX_COST_RATE: f64 = 0.5;

/// One asset's trade at a rebalance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Leg {
    /// Target weight of the post-trade value.
    pub weight: f64,
    /// Current holding value.
    pub value: f64,
    /// Impact coefficient `g_i` (0 without impact).
    pub impact: f64,
}

impl Leg {
    /// Cost rate `c_i` for a trade of size `d`; see the module docs.
    pub fn rate(&self, base: f64, d: f64) -> f64 {
        if self.impact > 0.0 {
            impact_rate(base, self.impact, d)
        } else {
            base.min(MAX_COST_RATE)
        }
    }

    /// Traded value `|w_i V' - x_i|` at post-trade value `v_post`.
    pub fn traded(&self, v_post: f64) -> f64 {
        (self.weight * v_post - self.value).abs()
    }
}

/// `min(base + g sqrt(d), MAX_COST_RATE)`: out of line, so that a loop over
/// legs without impact branches past it instead of computing a square root
/// for every leg and throwing it away.
#[inline(never)]
fn impact_rate(base: f64, g: f64, d: f64) -> f64 {
    (base + g * d.sqrt()).min(MAX_COST_RATE)
}

/// Total cost `Σ c_i |Δ_i|` at post-trade value `v_post`. Without impact
/// every rate is `base` and the sum runs over four independent accumulators.
fn total_cost(legs: &[Leg], base: f64, v_post: f64, linear: bool) -> f64 {
    if linear {
        let mut acc = [0.0f64; 4];
        let chunks = legs.chunks_exact(4);
        let rest: f64 = chunks.remainder().iter().map(|l| l.traded(v_post)).sum();
        for c in chunks {
            for lane in 0..4 {
                acc[lane] += c[lane].traded(v_post);
            }
        }
        return base.min(MAX_COST_RATE) * ((acc[0] + acc[1]) + (acc[2] + acc[3]) + rest);
    }
    legs.iter()
        .map(|l| {
            let d = l.traded(v_post);
            l.rate(base, d) * d
        })
        .sum()
}

/// Starting point for a constant rate `c`: with the trade directions
/// `s_i = sign(w_i V - x_i)` taken at `V' = V`, the equation is linear,
/// `V' = (V + c Σ s_i x_i) / (1 + c Σ s_i w_i)`, and exact unless a direction
/// flips between `V` and `V'`.
#[cfg(test)]
fn linear_guess(v: f64, legs: &[Leg], c: f64) -> f64 {
    let (sx, sw, _) = guess_sums(v, legs);
    (v + c * sx) / (1.0 + c * sw)
}

/// The sums `(Σ s_i x_i, Σ s_i w_i)` of [`linear_guess`] and whether every
/// leg is without impact, in one pass over the legs.
fn guess_sums(v: f64, legs: &[Leg]) -> (f64, f64, bool) {
    let (mut sx, mut sw, mut linear) = (0.0, 0.0, true);
    for l in legs {
        let s = (l.weight * v - l.value).signum();
        sx += s * l.value;
        sw += s * l.weight;
        linear &= l.impact == 0.0;
    }
    (sx, sw, linear)
}

/// Post-trade value `V'` for pre-trade value `v`; see the module docs.
pub(crate) fn post_trade_value(v: f64, legs: &[Leg], base: f64) -> f64 {
    let (sx, sw, linear) = guess_sums(v, legs);
    let c = base.min(MAX_COST_RATE);
    let mut v_post = if linear { (v + c * sx) / (1.0 + c * sw) } else { v };
    for _ in 0..200 {
        let next = v - total_cost(legs, base, v_post, linear);
        let step = (next - v_post).abs();
        v_post = next;
        if step <= 1e-15 * v {
            break;
        }
    }
    v_post
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_purchase_pays_the_fee_on_what_it_buys() {
        // All cash: V' = 1 - c V'  =>  V' = 1 / (1 + c).
        let legs = [Leg { weight: 0.5, value: 0.0, impact: 0.0 }, Leg { weight: 0.5, value: 0.0, impact: 0.0 }];
        let v = post_trade_value(1.0, &legs, 0.01);
        assert!((v - 1.0 / 1.01).abs() < 1e-15);
    }

    #[test]
    fn worked_case_day_one() {
        // Holdings 0.55 V0 and 0.45 V0 back to 50/50 at 1%: V' = V0 (1 - 0.001).
        let v0 = 1.0 / 1.01;
        let legs =
            [Leg { weight: 0.5, value: 0.55 * v0, impact: 0.0 }, Leg { weight: 0.5, value: 0.45 * v0, impact: 0.0 }];
        let v = post_trade_value(v0, &legs, 0.01);
        assert!((v - v0 * (1.0 - 0.001)).abs() < 1e-15);
    }

    #[test]
    fn linear_guess_is_exact_when_directions_hold() {
        // Worked case: sell A 0.55 -> 0.5, buy B 0.45 -> 0.5 at 1%: V' = 1 - 0.001.
        let legs = [Leg { weight: 0.5, value: 0.55, impact: 0.0 }, Leg { weight: 0.5, value: 0.45, impact: 0.0 }];
        assert!((linear_guess(1.0, &legs, 0.01) - 0.999).abs() < 1e-15);
        // All cash: V' = 1 / (1 + c).
        let legs = [Leg { weight: 1.0, value: 0.0, impact: 0.0 }];
        assert!((linear_guess(1.0, &legs, 0.25) - 0.8).abs() < 1e-15);
    }

    #[test]
    fn impact_solves_the_nonlinear_equation() {
        // One asset bought from cash with impact coefficient g: V' = 1 - (b + g sqrt(V')) V'.
        let leg = Leg { weight: 1.0, value: 0.0, impact: 0.02 };
        let v = post_trade_value(1.0, &[leg], 0.001);
        let residual = v - (1.0 - (0.001 + 0.02 * v.sqrt()) * v);
        assert!(residual.abs() < 1e-15, "{residual}");
        assert!((leg.rate(0.001, v) - (0.001 + 0.02 * v.sqrt())).abs() < 1e-16);
        // Absurd impact is capped at 50%.
        let huge = Leg { weight: 1.0, value: 0.0, impact: 1e6 };
        assert_eq!(huge.rate(0.0, 0.5), MAX_COST_RATE);
        let v = post_trade_value(1.0, &[huge], 0.0);
        assert!((v - 1.0 / 1.5).abs() < 1e-15);
    }

    #[test]
    fn no_trade_no_cost() {
        let legs = [Leg { weight: 0.25, value: 0.25, impact: 0.3 }, Leg { weight: 0.75, value: 0.75, impact: 0.0 }];
        assert_eq!(post_trade_value(1.0, &legs, 0.01), 1.0);
    }
}
