//! # IndexLab engine
//!
//! Pure Rust, no I/O: bytes in, numbers out. The pipeline is
//! data bytes → [`ingest`] → [`Panel`] → [`simulate`](simulate::simulate) with a
//! [`Strategy`](strategy::Strategy) → [`SimResult`](simulate::SimResult) →
//! [`metrics`]. The built-in market comes from the seeded generator in [`synth`].
//!
//! Nothing here reads a clock, a file, the network or an unseeded random source,
//! so every result is reproducible on every platform, natively and in wasm.

pub mod analysis;
pub mod compare;
pub mod cost;
pub mod costs;
pub mod data_url;
pub mod date;
pub mod errors;
pub mod exclusions;
pub mod export;
pub mod ingest;
pub mod metrics;
pub mod panel;
pub mod pegged;
pub mod prepare;
pub mod robustness;
pub mod rules_text;
pub mod scenario;
pub mod schedule;
pub mod share;
pub mod simulate;
pub mod sort;
pub mod strategy;
pub mod sweep;
pub mod synth;
pub mod weighting;

pub use date::Date;
pub use panel::{AssetInfo, Extra, Layout, Panel, PanelError};
pub use schedule::Schedule;
pub use simulate::{simulate, RebalanceRecord, Segment, Side, SimResult, Trade, TradeReason};
pub use strategy::{Preset, Strategy, StrategyError, Universe, Weighting};
