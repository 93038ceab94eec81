//! Day counts and Top N read as `u64` and capped at [`CAP`] on every
//! platform, so that a value too large for a 32-bit `usize` (the page's
//! wasm) reaches [`Strategy::validate`](super::Strategy::validate) and gets
//! the same message as natively ("more than ..." rather than a number the
//! page cannot hold).

use serde::{Deserialize, Deserializer};

/// The largest count kept as it is: `u32::MAX`, a value both the page
/// (32-bit) and a native build hold; larger ones become this.
pub const CAP: usize = u32::MAX as usize;

fn fit(v: u64) -> usize {
    usize::try_from(v.min(CAP as u64)).unwrap_or(CAP)
}

/// A count for messages: "4294967295 or more" at the cap.
pub fn show(v: usize) -> String {
    if v as u64 >= CAP as u64 {
        format!("{CAP} or more")
    } else {
        v.to_string()
    }
}

pub fn plain<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    u64::deserialize(d).map(fit)
}

pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    Option::<u64>::deserialize(d).map(|v| v.map(fit))
}
