//! CSV files: delimiter sniffing, header roles, format detection
//! ([`sniff()`]), and the two row readers ([`records`]: one row per asset and
//! day; [`wide`]: one column per asset) over the shared row reading
//! ([`reader`]: dates, numbers, line numbers in messages).

mod reader;
mod records;
mod sniff;
mod wide;

pub(crate) use records::read_records;
pub(crate) use sniff::{detect, sniff};
pub(crate) use wide::read_wide;
