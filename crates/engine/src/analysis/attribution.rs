//! Equal vs cap weighting: the CAGR gap split into size tilt, rebalancing
//! and costs.

use super::{check_curve, AnalysisError};
use crate::metrics;
use serde::{Deserialize, Serialize};

/// The curves [`attribute_gap`] compares, all on the same days.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GapCurves<'a> {
    /// Cap-weighted index after its own costs.
    pub cap_net: &'a [f64],
    /// Cap-weighted index before costs, when available (adds the
    /// [`GapAttribution::cap_costs`] term).
    pub cap_gross: Option<&'a [f64]>,
    /// Equal weight bought on the first day and never rebalanced.
    pub ew_held: &'a [f64],
    /// Equal weight rebalanced on schedule, before costs.
    pub ew_gross: &'a [f64],
    /// Equal weight rebalanced on schedule, after costs.
    pub ew_net: &'a [f64],
}

/// Decomposition of `CAGR(EW net) - CAGR(cap net)` (all CAGRs over the same
/// days with [`metrics::cagr`]). Every part is a *contribution to the gap*
/// (positive = helps equal weighting):
///
/// ```text
/// size_tilt   = CAGR(EW held)  - CAGR(cap gross)   owning small coins, no rebalancing
/// rebalancing = CAGR(EW gross) - CAGR(EW held)     selling winners, buying losers
/// cost_drag   = CAGR(EW net)   - CAGR(EW gross)    EW's trading costs (≤ 0)
/// cap_costs   = CAGR(cap gross) - CAGR(cap net)    the cap index's own costs (≥ 0)
/// total       = CAGR(EW net)   - CAGR(cap net)
///             = size_tilt + rebalancing + cost_drag + cap_costs
/// ```
///
/// Without a gross cap curve, `CAGR(cap gross)` is taken as `CAGR(cap net)`:
/// `cap_costs = 0` and the cap index's costs (small, it rarely trades) are
/// inside `size_tilt`. Whatever the held curve paid (its initial purchase) is
/// also inside `size_tilt`. The identity telescopes, so it holds exactly in
/// exact arithmetic; in floating point `residual = total - Σ parts` is a few
/// ulps (reported so callers and tests can check it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GapAttribution {
    pub periods_per_year: f64,
    pub cagr_cap_net: f64,
    pub cagr_cap_gross: Option<f64>,
    pub cagr_ew_held: f64,
    pub cagr_ew_gross: f64,
    pub cagr_ew_net: f64,
    pub size_tilt: f64,
    pub rebalancing: f64,
    pub cost_drag: f64,
    pub cap_costs: f64,
    pub total: f64,
    /// `total - (size_tilt + rebalancing + cost_drag + cap_costs)`: rounding only.
    pub residual: f64,
}

/// Attributes the CAGR gap between equal and cap weighting; see [`GapAttribution`].
///
/// Errors: curves of different lengths, shorter than 2, with a value that is
/// not finite and positive, or whose CAGR overflows ([`AnalysisError::NonFinite`]).
pub fn attribute_gap(curves: &GapCurves<'_>, periods_per_year: f64) -> Result<GapAttribution, AnalysisError> {
    if !(periods_per_year.is_finite() && periods_per_year > 0.0) {
        return Err(AnalysisError::InvalidParameter(format!(
            "periods per year must be positive, got {periods_per_year}"
        )));
    }
    let n = curves.cap_net.len();
    let mut all = vec![("cap_net", curves.cap_net), ("ew_held", curves.ew_held)];
    all.extend([("ew_gross", curves.ew_gross), ("ew_net", curves.ew_net)]);
    if let Some(g) = curves.cap_gross {
        all.push(("cap_gross", g));
    }
    for (what, c) in &all {
        if c.len() != n {
            return Err(AnalysisError::LengthMismatch { what, expected: n, got: c.len() });
        }
        check_curve(what, c, 2)?;
    }
    let cagr = |what: &'static str, c: &[f64]| {
        let v = metrics::cagr(c[0], c[n - 1], n - 1, periods_per_year).expect("n >= 2");
        if v.is_finite() {
            Ok(v)
        } else {
            Err(AnalysisError::NonFinite { what })
        }
    };
    let cap_net = cagr("CAGR of cap_net", curves.cap_net)?;
    let held = cagr("CAGR of ew_held", curves.ew_held)?;
    let gross = cagr("CAGR of ew_gross", curves.ew_gross)?;
    let net = cagr("CAGR of ew_net", curves.ew_net)?;
    let cap_gross = curves.cap_gross.map(|c| cagr("CAGR of cap_gross", c)).transpose()?;
    let cap_base = cap_gross.unwrap_or(cap_net);
    let size_tilt = held - cap_base;
    let rebalancing = gross - held;
    let cost_drag = net - gross;
    let cap_costs = cap_base - cap_net;
    let total = net - cap_net;
    Ok(GapAttribution {
        periods_per_year,
        cagr_cap_net: cap_net,
        cagr_cap_gross: cap_gross,
        cagr_ew_held: held,
        cagr_ew_gross: gross,
        cagr_ew_net: net,
        size_tilt,
        rebalancing,
        cost_drag,
        cap_costs,
        total,
        residual: total - (size_tilt + rebalancing + cost_drag + cap_costs),
    })
}
