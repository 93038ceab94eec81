//! The cap-weighted total market, the lessons' reference.

use crate::panel::Panel;

/// The cap-weighted total market of the panel as a growth-of-1 series (same
/// length as the panel's dates, `1.0` on the first day).
///
/// Daily return `R_t = Σ_i cap_{t-1,i} · r_{t,i} / Σ_i cap_{t-1,i}` with
/// `r_{t,i} = p_{t,i} / p_{t-1,i} - 1`, over the assets that have a price on
/// both days and a finite, positive market cap on day `t-1` (yesterday's caps
/// are the weights held overnight, as in a buy-and-hold of the whole market).
/// Consequences: an asset joins the day after its first price; on the day after
/// its last price it simply drops out (no -100 %); a carried-forward gap is a
/// 0 % return. A day with no such asset has `R_t = 0`. Every asset of the panel
/// counts (filter the panel first for a top-N or ex-stablecoin market).
pub fn market_cap_index(panel: &Panel) -> Vec<f64> {
    let n = panel.n_days();
    let mut out = Vec::with_capacity(n);
    let mut level = 1.0;
    out.push(level);
    for t in 1..n {
        let (prev, cur, caps) = (panel.price_row(t - 1), panel.price_row(t), panel.cap_row(t - 1));
        let (prev, cur, caps) = (&prev[..], &cur[..], &caps[..]);
        let (mut num, mut den) = (0.0, 0.0);
        for a in 0..panel.n_assets() {
            let (p0, p1, c) = (prev[a], cur[a], caps[a]);
            if p0.is_finite() && p1.is_finite() && p0 > 0.0 && c.is_finite() && c > 0.0 {
                num += c * (p1 / p0 - 1.0);
                den += c;
            }
        }
        if den > 0.0 {
            level *= 1.0 + num / den;
        }
        out.push(level);
    }
    out
}
